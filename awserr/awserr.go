// Package awserr is the one error type of fsxd. Every API (FSx JSON, S3 XML,
// S3 Control XML, IAM/STS Query XML) answers with an *Error; each protocol
// has one renderer. The client sees Code, Message and Fields; Cause is only
// logged.
package awserr

import (
	"errors"
	"fmt"
)

// Code names an AWS error together with its HTTP status and default message.
type Code struct {
	Name    string
	Status  int
	Default string
}

// Error is an error as the client sees it.
type Error struct {
	Code    string
	Status  int
	Message string
	// Fields are extra modelled members: Parameter, ErrorCode (FSx JSON);
	// Resource, Key, BucketName, ProposedSize... (S3 XML).
	Fields map[string]string
	// Cause is logged, never sent.
	Cause error
}

func (e *Error) Error() string {
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s (%v)", e.Code, e.Message, e.Cause)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Cause }

// Err makes an error of this code; with no format it carries the default message.
func (c Code) Err(format string, args ...any) *Error {
	msg := c.Default
	if format != "" {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: c.Name, Status: c.Status, Message: msg}
}

// Error makes a Code usable as the target of errors.Is (see (*Error).Is).
func (c Code) Error() string { return c.Name }

// Is lets errors.Is(err, awserr.NoSuchKey) report whether err carries that
// code. Only the Name is compared, as Is does: the client tells errors apart
// by name, and the few names the table holds twice (InvalidRequest,
// BadRequest in FSx and S3 forms, AccessDenied for S3 and IAM) are one error
// to a caller asking "was it InvalidRequest?".
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && e.Code == c.Name
}

// Is reports whether err carries the code c.
func Is(err error, c Code) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == c.Name
}

// With returns e with an extra member set.
func (e *Error) With(key, value string) *Error {
	if e.Fields == nil {
		e.Fields = map[string]string{}
	}
	e.Fields[key] = value
	return e
}

// Wrap attaches a cause for the log.
func (e *Error) Wrap(cause error) *Error {
	e.Cause = cause
	return e
}

// From turns any error into an *Error: an *Error is returned as is; anything
// else becomes internal with the given code and the original as the cause.
func From(err error, internal Code) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return internal.Err("").Wrap(err)
}
