package postgres_test

import (
	"testing"

	"github.com/fsxd/fsxd/store/postgres"
	"github.com/fsxd/fsxd/store/storetest"
)

func BenchmarkGet(b *testing.B) {
	storetest.BenchGet(b, open(b, newSchema(b), postgres.Options{}))
}

func BenchmarkPut(b *testing.B) {
	storetest.BenchPut(b, open(b, newSchema(b), postgres.Options{}))
}
