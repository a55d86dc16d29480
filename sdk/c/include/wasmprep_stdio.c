/* wasmprep_stdio.c: libc's stdout and stderr go to the host log.
 *
 * Compiled into every plugin by `wasmprep-c-bindgen build` (leave it out
 * with --wasi-stdio). wasi-libc writes stdout and stderr through four WASI
 * preview 1 calls; defining them here (weakly) keeps libc's own
 * definitions, and with them every WASI import, out of the module. So a
 * plugin that uses printf, fprintf(stderr, ...) or snprintf (whose code
 * refers to stderr) needs no WASI at all and runs with no grant:
 *
 * - a write to stdout (fd 1) becomes one `info` log message, to stderr
 *   (fd 2) one `warn` message (a trailing newline dropped). Both streams
 *   are line buffered: end a line with '\n' or call fflush, or the text
 *   stays in libc's buffer;
 * - other descriptors do not exist (EBADF), seeking fails (ESPIPE).
 *
 * A plugin that uses other parts of WASI (files, clocks, the environment)
 * links libc's definitions instead (they are strong, these are weak), and
 * then stdio goes through WASI too: the tool's componentize adds the
 * preview 1 adapter, and the plugin needs the grants its imports ask for
 * (the adapter's fd_write imports wasi:filesystem and wasi:clocks).
 */
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

#include "plugin.h"

__attribute__((weak)) __wasi_errno_t __wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iovs,
                                                     size_t iovs_len, __wasi_size_t *written) {
  if (fd != 1 && fd != 2) return __WASI_ERRNO_BADF;
  size_t total = 0;
  for (size_t i = 0; i < iovs_len; i++) total += iovs[i].buf_len;
  *written = (__wasi_size_t)total;
  size_t len = total;
  uint8_t *text = (uint8_t *)malloc(total ? total : 1);
  if (text == NULL) return __WASI_ERRNO_NOMEM;
  size_t at = 0;
  for (size_t i = 0; i < iovs_len; i++) {
    memcpy(text + at, iovs[i].buf, iovs[i].buf_len);
    at += iovs[i].buf_len;
  }
  if (len > 0 && text[len - 1] == '\n') len--;
  if (len > 0) {
    plugin_string_t message = {text, len};
    wasmprep_plugin_host_log(fd == 1 ? WASMPREP_PLUGIN_TYPES_LOG_LEVEL_INFO
                                     : WASMPREP_PLUGIN_TYPES_LOG_LEVEL_WARN,
                             &message);
  }
  free(text);
  return __WASI_ERRNO_SUCCESS;
}

__attribute__((weak)) __wasi_errno_t __wasi_fd_seek(__wasi_fd_t fd, __wasi_filedelta_t offset,
                                                    __wasi_whence_t whence,
                                                    __wasi_filesize_t *position) {
  (void)fd, (void)offset, (void)whence, (void)position;
  return __WASI_ERRNO_SPIPE;
}

__attribute__((weak)) __wasi_errno_t __wasi_fd_close(__wasi_fd_t fd) {
  return fd <= 2 ? __WASI_ERRNO_SUCCESS : __WASI_ERRNO_BADF;
}

/* stdout and stderr are character devices without seek rights: libc
 * takes them for terminals and buffers them by line. */
__attribute__((weak)) __wasi_errno_t __wasi_fd_fdstat_get(__wasi_fd_t fd, __wasi_fdstat_t *stat) {
  if (fd != 1 && fd != 2) return __WASI_ERRNO_BADF;
  memset(stat, 0, sizeof *stat);
  stat->fs_filetype = __WASI_FILETYPE_CHARACTER_DEVICE;
  stat->fs_rights_base = __WASI_RIGHTS_FD_WRITE;
  return __WASI_ERRNO_SUCCESS;
}
