// The C++ conformance router: the configuration's `case` entry picks the
// guest (cases.hpp lists them); the guest gets the rest of the entries.

#include "conformance.hpp"

#define CASE(ident, name) extern const conformance::Guest conformance_##ident;
#include "cases.hpp"
#undef CASE

namespace {

struct Entry {
  const char *name;
  const conformance::Guest *guest;
};

const Entry GUESTS[] = {
#define CASE(ident, name) {name, &conformance_##ident},
#include "cases.hpp"
#undef CASE
};

const conformance::Guest *guest = nullptr;

// The guest named `name`, or nullptr.
const conformance::Guest *find(const wasmprep_string_t &name) {
  for (const Entry &entry : GUESTS)
    if (wasmprep_str_eq(&name, entry.name)) return entry.guest;
  return nullptr;
}

// Removes entry `i` of `config` (its strings freed, the rest moved up).
void drop_entry(wasmprep_config_t *config, size_t i) {
  plugin_string_free(&config->ptr[i].f0);
  plugin_string_free(&config->ptr[i].f1);
  memmove(&config->ptr[i], &config->ptr[i + 1],
          (config->len - i - 1) * sizeof config->ptr[0]);
  config->len--;
}

}  // namespace

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config,
                                                 wasmprep_contract_t *ret, wasmprep_error_t *err) {
  guest = nullptr;
  for (size_t i = 0; i < config->len; i++) {
    if (!wasmprep_str_eq(&config->ptr[i].f0, "case")) continue;
    guest = find(config->ptr[i].f1);
    drop_entry(config, i);
    break;
  }
  if (guest == nullptr) {
    wasmprep_config_free(config);
    return wasmprep_invalid_config(err, "no guest for this case");
  }
  return guest->configure(config, ret, err);
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in, wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  if (guest == nullptr) {
    wasmprep_columns_free(in);
    return wasmprep_failure(err, "process before a successful configure");
  }
  return guest->process(in, ret, err);
}
