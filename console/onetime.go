package console

import (
	"sync"

	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// oneTime holds an access key CreateAccessKey just returned, between the
// POST that created it and the page that shows it: the secret is shown
// once, and reloading that page neither shows it again nor makes another
// key (the POST redirects).
type oneTime struct {
	mu  sync.Mutex
	key *types.AccessKey
}

func (o *oneTime) put(k *types.AccessKey) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.key = k
}

// take returns the key and forgets it.
func (o *oneTime) take() *types.AccessKey {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := o.key
	o.key = nil
	return k
}
