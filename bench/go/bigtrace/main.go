// Command bigtrace writes a large execution trace of a busy HTTP server on 127.0.0.1.
//
//	bigtrace [-size-mb 160] [-clients 32] [-max-duration 15m] [-leak-every N] OUT.trace
//
// In one process: an HTTP server on a random loopback port and many concurrent clients, half
// with keep-alive and half without (so connections, their serving goroutines and netpoll
// blocking churn). The handler allocates, takes a shared mutex, sleeps a little, fans out to
// a few short-lived goroutines and waits for them. Clients also send bodies and read the
// responses, so the trace holds network blocking, syscalls, GC cycles, sync blocking and
// plenty of goroutine creation and exit.
//
// With -leak-every N, one request in N also leaks a goroutine, as servers do: a worker whose
// result nobody reads (blocked forever on a channel send), or one waiting for a cancellation that
// never comes (blocked forever on a receive), alternately. They stay blocked until the end of the
// trace, so its last generations restate thousands of waiting goroutines.
//
// Tracing stops once the trace file reaches -size-mb (checked every 50 ms, so the file ends
// slightly larger), or after -max-duration at the latest; the program then shuts everything
// down and exits on its own. It prints one JSON line: {"bytes", "seconds", "requests", "leaked"}.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"math/rand"
	"net"
	"net/http"
	"os"
	"runtime/trace"
	"sync"
	"sync/atomic"
	"time"
)

var (
	mu       sync.Mutex
	cache    = map[int][]byte{}
	requests atomic.Int64
	// leakEvery: one request in leakEvery leaks a goroutine (0: none).
	leakEvery int64
	leaked    atomic.Int64
)

// abandonedResult leaks: its caller has returned without reading the result.
func abandonedResult(out chan<- [32]byte, part []byte) {
	out <- sha256.Sum256(part)
}

// forgottenCancel leaks: nothing ever closes done.
func forgottenCancel(done <-chan struct{}) {
	<-done
}

func handler(w http.ResponseWriter, r *http.Request) {
	nth := requests.Add(1)
	body, _ := io.ReadAll(r.Body)
	if leakEvery > 0 && nth%leakEvery == 0 {
		if leaked.Add(1)%2 == 0 {
			go abandonedResult(make(chan [32]byte), body)
		} else {
			go forgottenCancel(make(chan struct{}))
		}
	}

	// Allocation churn: a few short-lived buffers of varied size, one kept in a shared cache.
	n := 512 + rand.Intn(16<<10)
	buf := make([]byte, n)
	copy(buf, body)
	mu.Lock()
	cache[rand.Intn(1024)] = buf
	mu.Unlock()

	// Sometimes a short sleep (timer + scheduler blocking).
	if rand.Intn(4) == 0 {
		time.Sleep(time.Duration(20+rand.Intn(200)) * time.Microsecond)
	}

	// Fan out to short goroutines that hash part of the buffer and contend on the mutex.
	k := 1 + rand.Intn(4)
	sums := make(chan [32]byte, k)
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			part := buf[i*n/k : (i+1)*n/k]
			s := sha256.Sum256(part)
			mu.Lock()
			if old, ok := cache[int(s[0])]; ok && len(old) > 0 {
				s[1] ^= old[0]
			}
			mu.Unlock()
			sums <- s
		}(i)
	}
	wg.Wait()
	close(sums)
	var out [32]byte
	for s := range sums {
		for j := range out {
			out[j] ^= s[j]
		}
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Write(bytes.Repeat(out[:], 1+rand.Intn(32)))
}

func client(ctx context.Context, addr string, keepAlive bool) {
	tr := &http.Transport{DisableKeepAlives: !keepAlive, MaxIdleConnsPerHost: 4}
	defer tr.CloseIdleConnections()
	cl := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	payload := make([]byte, 4096)
	for ctx.Err() == nil {
		req, err := http.NewRequestWithContext(ctx, "POST", "http://"+addr+"/work", bytes.NewReader(payload[:rand.Intn(len(payload))]))
		if err != nil {
			return
		}
		resp, err := cl.Do(req)
		if err != nil {
			// Dial errors (e.g. ephemeral ports exhausted) must not turn into a busy loop.
			time.Sleep(time.Millisecond)
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
}

func main() {
	sizeMB := flag.Int64("size-mb", 160, "stop tracing once the trace file reaches this many MiB")
	clients := flag.Int("clients", 32, "concurrent clients (half with keep-alive, half without)")
	maxDuration := flag.Duration("max-duration", 15*time.Minute, "stop tracing after this long whatever the size")
	flag.Int64Var(&leakEvery, "leak-every", 0, "leak one goroutine (blocked forever on a channel) every N requests; 0: none")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bigtrace [-size-mb N] [-clients N] [-max-duration D] [-leak-every N] OUT.trace")
		os.Exit(2)
	}
	target := *sizeMB << 20

	f, err := os.Create(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	start := time.Now()
	if err := trace.Start(f); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: http.HandlerFunc(handler), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for c := 0; c < *clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			client(ctx, ln.Addr().String(), c%2 == 1)
		}(c)
	}

	deadline := time.Now().Add(*maxDuration)
	for time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
		if st, err := f.Stat(); err == nil && st.Size() >= target {
			break
		}
	}
	cancel()
	wg.Wait()
	shutdown, cancelShutdown := context.WithTimeout(context.Background(), 2*time.Second)
	srv.Shutdown(shutdown)
	cancelShutdown()
	trace.Stop()
	if err := f.Close(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	st, err := os.Stat(flag.Arg(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("{\"bytes\": %d, \"seconds\": %.1f, \"requests\": %d, \"leaked\": %d}\n", st.Size(), time.Since(start).Seconds(), requests.Load(), leaked.Load())
}
