module golat.dev/testbins

go 1.19
