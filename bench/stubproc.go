package bench

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/fsxd/fsxd/bench/stub"
)

// StubEnv, set in its environment, makes fsxdbench serve the stub on that
// address instead of benchmarking (see StartStub).
const StubEnv = "FSXDBENCH_STUB_LISTEN"

// ServeStub serves the stub on addr until SIGTERM or SIGINT.
func ServeStub(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: stub.New()}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
