// Package console is fsxd's web console, served at /_fsxd/console/ by the
// same listener as the APIs. It is a client of those APIs, not a second
// implementation: every action is an AWS SDK call signed with the signed-in
// user's own key and served in-process by the server's http.Handler, so the
// same authentication, IAM and access point policies, VPC rule and
// file-system identity decide it (docs/decisions.md, "Web console").
package console
