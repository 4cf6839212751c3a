// Command bigdump writes a large goroutine dump (debug=2) for the dump benchmark: N goroutines
// (default 100 000) parked in a handful of different ways, some with labels and deep stacks,
// as a busy leaking server would show them.
//
// Usage: bigdump [-n 100000] OUTPUT
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"time"
)

// Nobody ever receives from sendTo or sends on recvFrom.
var (
	sendTo   = make(chan struct{})
	recvFrom = make(chan struct{})
)

func main() {
	n := flag.Int("n", 100000, "goroutines to start")
	flag.Parse()
	if flag.NArg() != 1 {
		log.Fatal("usage: bigdump [-n N] OUTPUT")
	}
	var mu sync.Mutex
	mu.Lock()
	var wg sync.WaitGroup
	wg.Add(1)
	for i := 0; i < *n; i++ {
		switch i % 5 {
		case 0:
			go func() { sendTo <- struct{}{} }()
		case 1:
			go func() { mu.Lock() }()
		case 2:
			go func() { wg.Wait() }()
		case 3:
			go recurse(i%7 + 3)
		case 4:
			labels := pprof.Labels("shard", fmt.Sprint(i%16))
			go pprof.Do(context.Background(), labels, func(context.Context) { <-recvFrom })
		}
	}
	for runtime.NumGoroutine() < *n {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	f, err := os.Create(flag.Arg(0))
	if err != nil {
		log.Fatal(err)
	}
	if err := pprof.Lookup("goroutine").WriteTo(f, 2); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}

func recurse(depth int) {
	if depth == 0 {
		<-recvFrom
		return
	}
	recurse(depth - 1)
}
