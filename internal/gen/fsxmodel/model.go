package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
)

// model is the part of a botocore service-2.json the generator reads.
type model struct {
	Metadata   map[string]any       `json:"metadata"`
	Operations map[string]operation `json:"operations"`
	Shapes     map[string]*shape    `json:"shapes"`
}

type operation struct {
	Input  *ref  `json:"input"`
	Output *ref  `json:"output"`
	Errors []ref `json:"errors"`
}

type ref struct {
	Shape string `json:"shape"`
}

type shape struct {
	Type          string       `json:"type"`
	Documentation string       `json:"documentation"`
	Members       members      `json:"members"`
	Member        *ref         `json:"member"`
	Key           *ref         `json:"key"`
	Value         *ref         `json:"value"`
	Required      []string     `json:"required"`
	Min           *json.Number `json:"min"`
	Max           *json.Number `json:"max"`
	Pattern       *string      `json:"pattern"`
	Enum          []string     `json:"enum"`
	Sensitive     bool         `json:"sensitive"`
	Exception     bool         `json:"exception"`
}

type member struct {
	Name             string
	Shape            string `json:"shape"`
	IdempotencyToken bool   `json:"idempotencyToken"`
	Deprecated       bool   `json:"deprecated"`
}

// members keeps the model's member order: encoding/json maps would lose it,
// and the generated structs should read like the API reference.
type members []member

func (ms *members) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, ok := tok.(string)
		if !ok {
			return fmt.Errorf("members: unexpected %v", tok)
		}
		var m member
		if err := dec.Decode(&m); err != nil {
			return fmt.Errorf("member %s: %w", name, err)
		}
		m.Name = name
		*ms = append(*ms, m)
	}
	return nil
}

func loadModel(path string) (*model, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	m := new(model)
	if err := json.Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

func (s *shape) isRequired(name string) bool {
	for _, r := range s.Required {
		if r == name {
			return true
		}
	}
	return false
}
