package server

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// rootCreds are the account's root user's access key.
type rootCreds struct {
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string `json:"SecretAccessKey"`
}

const credsFile = "root-credentials.json"

// loadRootCreds returns the configured root credentials or, when none are
// configured, the ones in the data dir, generating them on first start
// (created reports that, so the caller prints them once).
func loadRootCreds(cfg *Config) (c rootCreds, created bool, err error) {
	if cfg.RootAccessKeyID != "" || cfg.RootSecretAccessKey != "" {
		if cfg.RootAccessKeyID == "" || cfg.RootSecretAccessKey == "" {
			return c, false, errors.New("FSXD_ROOT_ACCESS_KEY_ID and FSXD_ROOT_SECRET_ACCESS_KEY must be set together")
		}
		return rootCreds{cfg.RootAccessKeyID, cfg.RootSecretAccessKey}, false, nil
	}
	path := filepath.Join(cfg.DataDir, credsFile)
	b, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(b, &c); err != nil || c.AccessKeyID == "" {
			return c, false, fmt.Errorf("%s: unreadable root credentials", path)
		}
		return c, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return c, false, err
	}
	c = rootCreds{AccessKeyID: "AKIA" + randomUpper(16), SecretAccessKey: randomSecret(40)}
	b, _ = json.MarshalIndent(c, "", "  ")
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return c, false, err
	}
	if err := os.Rename(tmp, path); err != nil {
		return c, false, err
	}
	return c, true, nil
}

func randomFrom(alphabet string, n int) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func randomUpper(n int) string { return randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", n) }

func randomSecret(n int) string {
	return randomFrom("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", n)
}
