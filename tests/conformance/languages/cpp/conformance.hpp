// A conformance guest in C++: the two exports of a plugin, under a name.
// A case's guest.cpp defines `configure` and `process` in an anonymous
// namespace and ends with CONFORMANCE_GUEST(<case name with - as _>).
#ifndef CONFORMANCE_HPP
#define CONFORMANCE_HPP

#include "wasmprep.h"

namespace conformance {

struct Guest {
  bool (*configure)(wasmprep_config_t *config, wasmprep_contract_t *ret, wasmprep_error_t *err);
  bool (*process)(wasmprep_columns_t *in, wasmprep_batch_output_t *ret, wasmprep_error_t *err);
};

}  // namespace conformance

// `extern`: a namespace-scope const has internal linkage in C++, and the
// router (another translation unit) refers to it.
#define CONFORMANCE_GUEST(ident) \
  extern const conformance::Guest conformance_##ident = {configure, process};

#endif  // CONFORMANCE_HPP
