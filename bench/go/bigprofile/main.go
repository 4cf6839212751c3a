// bigprofile writes a large CPU profile (gzip-compressed profile.proto, as runtime/pprof writes
// it) with the shape of a busy server's: a few thousand functions in a call graph, locations with
// inlined lines, hundreds of thousands of distinct labelled stacks, some functions much hotter
// than others.
//
// The runtime's own CPU profiler cannot produce a profile this large on a small machine in
// reasonable time (it samples at 100 Hz, and loses most samples at high rates on a loaded
// 2-core machine), so the profile is encoded here, field by field, in the layout runtime/pprof
// uses (see runtime/pprof/proto.go): sample types samples/count and cpu/nanoseconds, period
// type cpu/nanoseconds with a 10 ms period, duration, one mapping for the binary.
//
// Usage: bigprofile [-samples N] [-functions N] [-seed N] OUT.pprof
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"math/rand"
	"os"
	"strconv"
)

// buf is a protobuf writer for the few wire forms profile.proto needs.
type buf struct{ b []byte }

func (p *buf) varint(x uint64) {
	for x >= 0x80 {
		p.b = append(p.b, byte(x)|0x80)
		x >>= 7
	}
	p.b = append(p.b, byte(x))
}

func (p *buf) key(field, wire int) { p.varint(uint64(field<<3 | wire)) }

func (p *buf) int64(field int, x int64) {
	if x == 0 {
		return
	}
	p.key(field, 0)
	p.varint(uint64(x))
}

func (p *buf) bytes(field int, data []byte) {
	p.key(field, 2)
	p.varint(uint64(len(data)))
	p.b = append(p.b, data...)
}

func (p *buf) packed(field int, xs []uint64) {
	var inner buf
	for _, x := range xs {
		inner.varint(x)
	}
	p.bytes(field, inner.b)
}

type strings struct {
	index map[string]int64
	list  []string
}

func (s *strings) id(v string) int64 {
	if i, ok := s.index[v]; ok {
		return i
	}
	i := int64(len(s.list))
	s.index[v] = i
	s.list = append(s.list, v)
	return i
}

func main() {
	samples := flag.Int("samples", 150000, "number of samples")
	functions := flag.Int("functions", 3000, "number of functions")
	seed := flag.Int64("seed", 1, "random seed")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: bigprofile [-samples N] [-functions N] [-seed N] OUT.pprof")
		os.Exit(2)
	}
	rng := rand.New(rand.NewSource(*seed))
	str := &strings{index: map[string]int64{}}
	str.id("")
	var out buf
	vt := func(typ, unit string) []byte {
		var v buf
		v.int64(1, str.id(typ))
		v.int64(2, str.id(unit))
		return v.b
	}
	out.bytes(1, vt("samples", "count"))
	out.bytes(1, vt("cpu", "nanoseconds"))
	const period = 10_000_000
	out.int64(9, 1_764_000_000_000_000_000)
	out.int64(10, int64(*samples)*period/8) // as if 8 cores were busy
	out.bytes(11, vt("cpu", "nanoseconds"))
	out.int64(12, period)

	// Functions: packages, types and methods of a service.
	nf := *functions
	for f := 1; f <= nf; f++ {
		pkg := fmt.Sprintf("example.com/service/internal/pkg%02d", f%40)
		name := fmt.Sprintf("%s.(*Handler%d).Method%d", pkg, f%25, f)
		var fn buf
		fn.int64(1, int64(f))
		fn.int64(2, str.id(name))
		fn.int64(3, str.id(name))
		fn.int64(4, str.id(fmt.Sprintf("/src/service/internal/pkg%02d/handler%d.go", f%40, f%25)))
		fn.int64(5, int64(10+f%400))
		out.bytes(5, fn.b)
	}
	// Locations: four call sites per function; one in four has a callee inlined into it.
	nl := nf * 4
	for l := 1; l <= nl; l++ {
		f := (l-1)/4 + 1
		var loc buf
		loc.int64(1, int64(l))
		loc.int64(2, 1)
		loc.int64(3, int64(0x401000+l*0x40))
		if l%4 == 0 {
			var inl buf
			inl.int64(1, int64(rng.Intn(nf)+1))
			inl.int64(2, int64(20+rng.Intn(200)))
			loc.bytes(4, inl.b)
		}
		var line buf
		line.int64(1, int64(f))
		line.int64(2, int64(20+l%300))
		loc.bytes(4, line.b)
		out.bytes(4, loc.b)
	}
	// Samples: stacks walked from a few entry points down a sparse call graph (each function
	// calls six others, low-numbered ones more often: hot paths), 8 to 48 frames deep, labelled
	// with the worker and the HTTP route being served.
	callees := make([][6]int, nf+1)
	for f := 1; f <= nf; f++ {
		for c := range callees[f] {
			callees[f][c] = 1 + int(float64(nf)*rng.Float64()*rng.Float64())
		}
	}
	routes := make([]string, 50)
	for i := range routes {
		routes[i] = fmt.Sprintf("/api/v1/resource%d/{id}", i)
	}
	stack := make([]uint64, 0, 64)
	for s := 0; s < *samples; s++ {
		stack = stack[:0]
		depth := 8 + rng.Intn(41)
		f := 1 + rng.Intn(8)
		for d := 0; d < depth; d++ {
			stack = append(stack, uint64((f-1)*4+1+rng.Intn(4)))
			f = callees[f][rng.Intn(6)]
		}
		// Leaf first, as runtime/pprof writes them.
		for i, j := 0, len(stack)-1; i < j; i, j = i+1, j-1 {
			stack[i], stack[j] = stack[j], stack[i]
		}
		count := uint64(1 + rng.Intn(2))
		var sample buf
		sample.packed(1, stack)
		sample.key(2, 0)
		sample.varint(count)
		sample.key(2, 0)
		sample.varint(count * period)
		for _, kv := range [][2]string{{"worker", strconv.Itoa(s % 64)}, {"route", routes[rng.Intn(len(routes))]}} {
			var label buf
			label.int64(1, str.id(kv[0]))
			label.int64(2, str.id(kv[1]))
			sample.bytes(3, label.b)
		}
		out.bytes(2, sample.b)
	}
	var mapping buf
	mapping.int64(1, 1)
	mapping.int64(2, 0x400000)
	mapping.int64(3, 0x400000+int64(nl+1)*0x40)
	mapping.int64(5, str.id("/usr/local/bin/service"))
	mapping.int64(6, str.id("b2e7f12739fbc0b134ec8534dfc83cf7f5d920c5"))
	mapping.int64(7, 1)
	mapping.int64(8, 1)
	mapping.int64(9, 1)
	mapping.int64(10, 1)
	out.bytes(3, mapping.b)
	for _, s := range str.list {
		out.bytes(6, []byte(s))
	}

	f, err := os.Create(flag.Arg(0))
	if err != nil {
		panic(err)
	}
	w := bufio.NewWriter(f)
	zw, _ := gzip.NewWriterLevel(w, gzip.BestSpeed) // what runtime/pprof uses
	if _, err := zw.Write(out.b); err != nil {
		panic(err)
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	if err := f.Close(); err != nil {
		panic(err)
	}
}
