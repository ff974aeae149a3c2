package main

import (
	"html"
	"regexp"
	"strings"
)

var (
	blockRE = regexp.MustCompile(`</?(p|li|ul|ol|br|note)\b[^>]*>`)
	tagRE   = regexp.MustCompile(`<[^>]*>`)
	spaceRE = regexp.MustCompile(`\s+`)
)

// maxDoc bounds a doc line: the model's prose is long and the API reference
// is one click away.
const maxDoc = 200

// firstSentence turns model documentation (HTML) into its first sentence
// as plain text.
func firstSentence(doc string) string {
	text := blockRE.ReplaceAllString(doc, " ")
	text = html.UnescapeString(tagRE.ReplaceAllString(text, ""))
	text = strings.TrimSpace(spaceRE.ReplaceAllString(text, " "))
	if i := strings.Index(text, ". "); i >= 0 {
		text = text[:i+1]
	}
	if len(text) > maxDoc {
		cut := strings.LastIndex(text[:maxDoc], " ")
		if cut <= 0 {
			cut = maxDoc
		}
		text = text[:cut] + "…"
	}
	return text
}
