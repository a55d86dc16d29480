// c-stdio-wasi: the c-stdio plugin built with libc's own WASI stdio (the
// `wasi-stdio` file here tells the build), so that its module imports WASI
// preview 1 and the component carries the preview 1 adapter. The adapter's
// imports need the `dirs` and `clock` grants: loading it without them must
// fail naming them.
#include "../c-stdio/stdio.c"
