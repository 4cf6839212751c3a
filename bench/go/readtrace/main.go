// Command readtrace is the baseline of the decode benchmark: Go's reference trace reader
// (golang.org/x/exp/trace) reading a trace through a bufio.Reader over the file and iterating
// every event, doing nothing but counting them. Built in GOPATH mode against Debian's
// golang-golang-x-exp-dev. It prints {"events": N, "seconds": S, "maxRssKB": K}: seconds is
// the in-process time from opening the file to the last event, maxRssKB its own getrusage peak.
//
//	readtrace FILE
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"golang.org/x/exp/trace"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: readtrace FILE")
		os.Exit(2)
	}
	start := time.Now()
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	r, err := trace.NewReader(bufio.NewReaderSize(f, 1<<20))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	n := 0
	for {
		_, err := r.ReadEvent()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "after %d events: %v\n", n, err)
			os.Exit(1)
		}
		n++
	}
	seconds := time.Since(start).Seconds()
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	fmt.Printf("{\"events\": %d, \"seconds\": %.3f, \"maxRssKB\": %d}\n", n, seconds, ru.Maxrss)
}
