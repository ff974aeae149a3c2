package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// specVars emits one constraint value per constrained shape that the
// validation code uses, with patterns compiled once at init.
func (g *gen) specVars() error {
	names := sortedKeys(g.specs)
	if len(names) == 0 {
		return nil
	}
	g.p("var (")
	for _, name := range names {
		line, err := g.spec(name, g.m.Shapes[name])
		if err != nil {
			return fmt.Errorf("shape %s: %w", name, err)
		}
		g.p("\t%s = %s", specName(name), line)
	}
	g.p(")\n")
	return nil
}

func (g *gen) spec(name string, s *shape) (string, error) {
	switch s.Type {
	case "integer", "long":
		lo, hi := bound(s.Min, "math.MinInt64"), bound(s.Max, "math.MaxInt64")
		if strings.HasPrefix(lo, "math.") || strings.HasPrefix(hi, "math.") {
			g.imports["math"] = true
		}
		return fmt.Sprintf("numSpec{min: %s, max: %s}", lo, hi), nil
	case "list":
		return fmt.Sprintf("listSpec{min: %s, max: %s}", bound(s.Min, "0"), bound(s.Max, "-1")), nil
	}
	fields := []string{"min: " + bound(s.Min, "0"), "max: " + bound(s.Max, "-1")}
	if s.Pattern != nil {
		re, ok, err := toRE2(*s.Pattern)
		if err != nil {
			return "", err
		}
		if ok {
			if _, hand := lookaround[*s.Pattern]; hand {
				g.translated = append(g.translated, name)
			}
			g.imports["regexp"] = true
			fields = append(fields, fmt.Sprintf("pattern: %s", goQuote(*s.Pattern)), fmt.Sprintf("re: regexp.MustCompile(%s)", goQuote(re)))
		} else {
			g.skipped = append(g.skipped, name)
			sort.Strings(g.skipped)
		}
	}
	if len(s.Enum) > 0 {
		quoted := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			quoted[i] = fmt.Sprintf("%q", e)
		}
		fields = append(fields, "enum: []string{"+strings.Join(quoted, ", ")+"}")
	}
	if s.Sensitive {
		fields = append(fields, "sensitive: true")
	}
	return "strSpec{" + strings.Join(fields, ", ") + "}", nil
}

func bound(n *json.Number, absent string) string {
	if n == nil || *n == "" {
		return absent
	}
	return n.String()
}

// operationInputs emits a constructor per operation's input, for tests and
// fuzzing that want every request shape.
func (g *gen) operationInputs() {
	g.p("// operationInputs makes an empty input of each generated operation.")
	g.imports[awsjsonPath] = true
	g.p("var operationInputs = map[string]func() awsjson.Validator{")
	for _, op := range g.sel.ops {
		if in := g.m.Operations[op].Input; in != nil {
			g.p("\t%q: func() awsjson.Validator { return new(%s) },", op, in.Shape)
		}
	}
	g.p("}")
}
