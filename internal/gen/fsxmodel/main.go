// Command fsxmodel generates Go types and validation for the FSx API from
// the botocore model (service-2.json). The model stays outside the
// repository; its output (fsxapi/zz_shapes.go) is committed. Run it with
// go generate in fsxapi.
//
// For every shape reachable from the selected operations it writes a
// struct (members are pointers, so absent differs from zero); for every
// structure reachable from an input it writes Validate, which checks
// required members, lengths (in characters), list sizes, numeric ranges,
// enums and patterns, and reports violations the way AWS does. Helpers the
// generated code calls (validator, strSpec, numSpec, listSpec, join, item,
// validateShape) live beside it, hand-written.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fsxmodel:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("fsxmodel", flag.ContinueOnError)
	modelPath := fs.String("model", "", "path to the botocore service-2.json")
	out := fs.String("out", "", "output Go file")
	boto := fs.String("botocore", "", "also write a botocore service-2.json of the selected operations here")
	pkg := fs.String("package", "fsxapi", "Go package name of the output")
	ops := fs.String("ops", strings.Join(defaultOps, ","), "comma-separated operations to generate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *modelPath == "" || (*out == "" && *boto == "") {
		return fmt.Errorf("-model and -out or -botocore are required")
	}
	if *boto != "" {
		js, err := botocoreModel(*modelPath, strings.Split(*ops, ","))
		if err != nil {
			return err
		}
		if err := os.WriteFile(*boto, js, 0o644); err != nil {
			return err
		}
	}
	if *out == "" {
		return nil
	}
	src, err := build(*modelPath, *pkg, strings.Split(*ops, ","))
	if err != nil {
		return err
	}
	return os.WriteFile(*out, src, 0o644)
}

// build loads the model and returns the generated source.
func build(modelPath, pkg string, ops []string) ([]byte, error) {
	m, err := loadModel(modelPath)
	if err != nil {
		return nil, err
	}
	sel, err := m.selectOps(ops)
	if err != nil {
		return nil, err
	}
	return generate(m, sel, pkg, filepath.Base(modelPath))
}
