module github.com/q35c/q35c

go 1.26.8

require (
	github.com/alecthomas/participle/v2 v2.1.1
	github.com/maruel/safetensors v1.2.0
	github.com/sergi/go-diff v1.3.1
	github.com/spf13/cobra v1.8.1
	golang.org/x/sys v0.27.0
)

require (
	github.com/edsrzf/mmap-go v1.2.0 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/spf13/pflag v1.0.5 // indirect
)
