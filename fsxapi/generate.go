package fsxapi

// zz_shapes.go holds the FSx request and response shapes with their
// validation, generated from the botocore model, which is not part of the
// repository (it lives in the shared reference tree next to it). The same
// run writes ../botocore/fsx/2018-03-01/service-2.json: the model cut down to
// the operations fsxd serves, for AWS CLIs that predate some of them
// (AWS_DATA_PATH, see the README). internal/gen/fsxmodel's tests check that
// the two agree.
//
// ../botocore/s3control/2018-08-20/service-2.json comes from the s3control
// model of a current botocore in the same way:
//
//	go run ../internal/gen/fsxmodel -model s3control-service-2.json -botocore ../botocore/s3control/2018-08-20/service-2.json \
//	    -ops GetAccessPoint,ListAccessPoints,GetAccessPointPolicy,PutAccessPointPolicy,DeleteAccessPointPolicy,GetAccessPointPolicyStatus,DeleteAccessPoint
//
//go:generate go run ../internal/gen/fsxmodel -model ../../shared/reference/models/fsx/2018-03-01/service-2.json -out zz_shapes.go -botocore ../botocore/fsx/2018-03-01/service-2.json
