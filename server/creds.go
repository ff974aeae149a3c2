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
	c, err = readRootCreds(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return c, false, err
	}
	c = rootCreds{AccessKeyID: "AKIA" + randomUpper(16), SecretAccessKey: randomSecret(40)}
	b, _ := json.MarshalIndent(c, "", "  ")
	tmp, err := os.CreateTemp(cfg.DataDir, ".root-credentials-*") // 0600
	if err != nil {
		return c, false, err
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(append(b, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return c, false, err
	}
	// Link, unlike Rename, fails if the file appeared meanwhile: nodes
	// starting at once on a shared data dir then all use the first one's.
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		c, err = readRootCreds(path)
		return c, false, err
	} else if err != nil {
		return c, false, err
	}
	return c, true, nil
}

func readRootCreds(path string) (c rootCreds, err error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal(b, &c); err != nil || c.AccessKeyID == "" {
		return c, fmt.Errorf("%s: unreadable root credentials", path)
	}
	return c, nil
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
