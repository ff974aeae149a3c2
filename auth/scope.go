package auth

import (
	"strings"

	"github.com/fsxd/fsxd/awserr"
	"github.com/fsxd/fsxd/sigv4"
)

// globalRegion is where AWS's global endpoints (IAM, STS's global one)
// sign: SDKs scope IAM and STS requests to it whatever their region.
const globalRegion = "us-east-1"

// scope is what each protocol's API accepts in a credential scope, built
// once: it is consulted on every request.
func (a *Authenticator) scope(proto Protocol) sigv4.Scope {
	a.scopesOnce.Do(func() {
		for _, p := range [...]Protocol{JSON, S3, Query} {
			a.scopes[p] = a.buildScope(p)
		}
	})
	return a.scopes[proto]
}

// buildScope: S3 and S3 Control sign as s3, FSx as fsx; the Query front
// end serves IAM and STS, and iamapi checks that the action belongs to the
// scope's service.
func (a *Authenticator) buildScope(proto Protocol) sigv4.Scope {
	var sc sigv4.Scope
	if a.Region != "" {
		sc.Regions = []string{a.Region}
	}
	switch proto {
	case JSON:
		sc.Services = []string{"fsx"}
	case Query:
		sc.Services = []string{"iam", "sts"}
		if a.Region != "" && a.Region != globalRegion {
			sc.Regions = append(sc.Regions, globalRegion)
		}
	default:
		sc.Services = []string{"s3"}
	}
	return sc
}

// scopeError words a wrong region, wrong service or unsigned header the
// way each AWS front end does, or returns nil for other failures.
func scopeError(se *sigv4.Error, proto Protocol) *awserr.Error {
	switch se.Kind {
	case sigv4.ErrUnsignedHeaders:
		return unsignedError(se, proto)
	case sigv4.ErrWrongRegion, sigv4.ErrWrongService:
	default:
		return nil
	}
	region := se.Kind == sigv4.ErrWrongRegion
	if proto != S3 {
		c := awserr.InvalidSignatureException
		if proto == Query {
			c = awserr.QuerySignatureDoesNotMatch
		}
		if region {
			return c.Err("Credential should be scoped to a valid region, not '%s'. ", se.Got)
		}
		return c.Err("Credential should be scoped to correct service: '%s'. ", se.Want)
	}
	c, prefix := awserr.AuthorizationHeaderMalform, "The authorization header is malformed; "
	if se.Presigned {
		c, prefix = awserr.AuthorizationQueryError, "Error parsing the X-Amz-Credential parameter; "
	}
	if region {
		return c.Err("%sthe region '%s' is wrong; expecting '%s'", prefix, se.Got, se.Want).With("Region", se.Want)
	}
	return c.Err("%sincorrect service '%s'. This endpoint belongs to '%s'.", prefix, se.Got, se.Want)
}

// unsignedError is AWS's refusal of unsigned x-amz-* headers; S3 lists
// them in a HeadersNotSigned element.
func unsignedError(se *sigv4.Error, proto Protocol) *awserr.Error {
	switch proto {
	case JSON:
		return awserr.UnsignedHeadersJSON.Err("")
	case Query:
		return awserr.UnsignedHeadersQuery.Err("")
	}
	return awserr.UnsignedHeaders.Err("").With("HeadersNotSigned", strings.Join(se.Unsigned, ", "))
}
