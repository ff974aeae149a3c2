package awsjson

import (
	"reflect"
	"time"
)

func reflectTypeOfTime() reflect.Type { return reflect.TypeOf(time.Time{}) }
