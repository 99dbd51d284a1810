package tensorio

import (
	"errors"
	"fmt"
	"math"
	"os"
	"runtime/debug"

	"golang.org/x/sys/unix"
)

// mapping is a read-only shared memory map of a whole file. Mapping rather
// than reading is what lets a model larger than memory be quantized: pages
// come in as a tensor is read and go again on release. We map with
// golang.org/x/sys/unix rather than use github.com/maruel/safetensors'
// Mapped, because .npy files need mapping too and because release needs
// madvise, which Mapped does not offer.
type mapping struct {
	data []byte
}

func mapFile(path string) (*mapping, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fd.Close() // the mapping outlives the descriptor
	st, err := fd.Stat()
	if err != nil {
		return nil, err
	}
	switch {
	case st.IsDir():
		return nil, fmt.Errorf("%s is a directory, not a tensor file", path)
	case !st.Mode().IsRegular():
		return nil, fmt.Errorf("%s is not a regular file (tensor files are memory-mapped)", path)
	case st.Size() == 0:
		return nil, fmt.Errorf("%s: empty file", path)
	case st.Size() > math.MaxInt:
		return nil, fmt.Errorf("%s: file too large to map (%d bytes)", path, st.Size())
	}
	data, err := unix.Mmap(int(fd.Fd()), 0, int(st.Size()), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, fmt.Errorf("%s: cannot map the file: %v", path, err)
	}
	// Tensors are visited in file order: read ahead.
	_ = unix.Madvise(data, unix.MADV_SEQUENTIAL)
	return &mapping{data: data}, nil
}

// release drops the pages of [off, off+n) from this process; they are read
// from the file again if touched. Advisory: errors are ignored.
func (m *mapping) release(off, n int64) {
	page := int64(os.Getpagesize())
	start := off / page * page
	end := min(off+n, int64(len(m.data)))
	if end <= start {
		return
	}
	_ = unix.Madvise(m.data[start:end], unix.MADV_DONTNEED)
}

func (m *mapping) close() error {
	if m.data == nil {
		return nil
	}
	err := unix.Munmap(m.data)
	m.data = nil
	return err
}

// ErrFault is returned by Guard when the mapped file could not be read
// (typically because it was truncated by another program while mapped).
var ErrFault = errors.New("the input file could not be read while mapped (was it truncated or changed meanwhile?)")

// Guard runs fn, which reads tensor data, turning a memory fault on the
// mapping into ErrFault instead of a crash. It affects only the calling
// goroutine: each goroutine that reads mapped data needs its own Guard.
func Guard(fn func() error) (err error) {
	old := debug.SetPanicOnFault(true)
	defer func() {
		debug.SetPanicOnFault(old)
		if r := recover(); r != nil {
			if _, fault := r.(interface{ Addr() uintptr }); !fault {
				panic(r)
			}
			err = ErrFault
		}
	}()
	return fn()
}
