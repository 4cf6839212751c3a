// Command readtrace is the baseline of the decode benchmark: Go's reference trace reader
// (golang.org/x/exp/trace) iterating every event of a trace and doing nothing else.
// It prints {"events": N, "maxRssKB": K}.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"syscall"

	"golang.org/x/exp/trace"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		panic(err)
	}
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		panic(err)
	}
	n := 0
	for {
		_, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			panic(err)
		}
		n++
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("{\"events\": %d, \"maxRssKB\": %d}\n", n, ru.Maxrss)
}
