/* A conformance guest in C: the two exports of a plugin, under a name.
 * A case's guest.c defines them static and ends with
 * CONFORMANCE_GUEST(<case name with - as _>). */
#ifndef CONFORMANCE_H
#define CONFORMANCE_H

#include "wasmprep.h"

typedef struct conformance_guest_t {
  bool (*configure)(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err);
  bool (*process)(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err);
} conformance_guest_t;

#define CONFORMANCE_GUEST(ident) \
  const conformance_guest_t conformance_##ident = {configure, process};

#endif
