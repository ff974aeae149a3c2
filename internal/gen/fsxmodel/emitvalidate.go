package main

import (
	"fmt"
	"strings"
)

// validateMethod emits Validate (exported, what awsjson.Op calls) and
// validate (the walk, with the member path for messages).
func (g *gen) validateMethod(name string, s *shape) {
	g.p("// Validate checks %s against the model's constraints.", name)
	g.p("func (s *%s) Validate() error { return validateShape(s) }\n", name)
	g.p("func (s *%s) validate(v *validator, p string) {", name)
	for _, mem := range s.Members {
		path := fmt.Sprintf("join(p, %q)", lowerFirst(mem.Name))
		field := "s." + mem.Name
		if s.isRequired(mem.Name) {
			g.p("\tv.required(%s, %s != nil)", path, field)
		}
		g.member(mem.Shape, field, path)
	}
	g.p("}\n")
}

// member emits the checks of one member, which is present when non-nil.
func (g *gen) member(shapeName, field, path string) {
	s := g.m.Shapes[shapeName]
	switch s.Type {
	case "structure":
		g.p("\tif %s != nil {\n\t\t%s.validate(v, %s)\n\t}", field, field, path)
	case "list", "map":
		// The path is computed once, not per element.
		if lines := g.check(shapeName, field, "q", 1); len(lines) > 0 {
			g.p("\tif %s != nil {", field)
			g.p("\t\tq := %s", path)
			g.lines(lines, 2)
			g.p("\t}")
		}
	default:
		if lines := g.check(shapeName, "*"+field, path, 1); len(lines) > 0 {
			g.p("\tif %s != nil {", field)
			g.lines(lines, 2)
			g.p("\t}")
		}
	}
}

func (g *gen) lines(lines []string, indent int) {
	for _, l := range lines {
		g.p("%s%s", strings.Repeat("\t", indent), l)
	}
}

// check returns the statements validating expr, a present value of shape
// name (structures: addressable value or pointer; lists: the slice).
func (g *gen) check(name, expr, path string, depth int) []string {
	s := g.m.Shapes[name]
	switch s.Type {
	case "structure":
		return []string{fmt.Sprintf("%s.validate(v, %s)", expr, path)}
	case "string":
		if !constrained(s) {
			return nil
		}
		g.specs[name] = true
		return []string{fmt.Sprintf("v.str(%s, %s, &%s)", path, expr, specName(name))}
	case "integer", "long":
		if s.Min == nil && s.Max == nil {
			return nil
		}
		g.specs[name] = true
		return []string{fmt.Sprintf("v.num(%s, %s, &%s)", path, expr, specName(name))}
	case "list":
		return g.checkList(name, s, expr, path, depth)
	}
	return nil // booleans, timestamps, maps (none in the FSx selection) carry no constraints
}

func (g *gen) checkList(name string, s *shape, expr, path string, depth int) []string {
	var out []string
	if s.Min != nil || s.Max != nil {
		g.specs[name] = true
		out = append(out, fmt.Sprintf("v.list(%s, len(%s), &%s)", path, expr, specName(name)))
	}
	i := fmt.Sprintf("i%d", depth)
	inner := g.check(s.Member.Shape, fmt.Sprintf("%s[%s]", expr, i), fmt.Sprintf("item(%s, %s)", path, i), depth+1)
	if len(inner) > 0 {
		out = append(out, fmt.Sprintf("for %s := range %s {", i, expr))
		for _, l := range inner {
			out = append(out, "\t"+l)
		}
		out = append(out, "}")
	}
	return out
}

func constrained(s *shape) bool {
	return s.Min != nil || s.Max != nil || s.Pattern != nil || len(s.Enum) > 0
}

func specName(shape string) string { return "spec" + shape }

// lowerFirst spells a member the way AWS validation messages do
// ("fileSystemId", "openZFSConfiguration").
func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}
