// Command bigtrace writes a large execution trace of a busy HTTP server on 127.0.0.1: many
// concurrent clients (half without keep-alive, so connections and their goroutines churn), a
// handler that allocates, takes a mutex and waits on a helper goroutine. It stops tracing once
// the trace file reaches the target size.
//
//	bigtrace OUT.trace [SIZE_MB]
package main

import (
	"io"
	"net"
	"net/http"
	"os"
	"runtime/trace"
	"strconv"
	"sync"
	"time"
)

func main() {
	target := int64(160)
	if len(os.Args) > 2 {
		if v, err := strconv.ParseInt(os.Args[2], 10, 64); err == nil {
			target = v
		}
	}
	target <<= 20
	f, err := os.Create(os.Args[1])
	if err != nil {
		panic(err)
	}
	if err := trace.Start(f); err != nil {
		panic(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	cache := map[int][]byte{}
	go http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		k := len(cache) % 512
		cache[k] = make([]byte, 4096)
		mu.Unlock()
		done := make(chan struct{})
		go func() { time.Sleep(50 * time.Microsecond); close(done) }()
		<-done
		w.Write([]byte("ok"))
	}))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for c := 0; c < 32; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: c%2 == 0}}
			for {
				select {
				case <-stop:
					return
				default:
				}
				resp, err := client.Get("http://" + ln.Addr().String())
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		}(c)
	}
	for {
		time.Sleep(100 * time.Millisecond)
		if st, err := f.Stat(); err == nil && st.Size() >= target {
			break
		}
	}
	close(stop)
	wg.Wait()
	trace.Stop()
	f.Close()
}
