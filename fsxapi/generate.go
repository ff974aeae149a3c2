package fsxapi

// zz_shapes.go holds the FSx request and response shapes with their
// validation, generated from the botocore model, which is not part of the
// repository (it lives in the shared reference tree next to it).
//go:generate go run ../internal/gen/fsxmodel -model ../../shared/reference/models/fsx/2018-03-01/service-2.json -out zz_shapes.go
