/* The C conformance router: the configuration's `case` entry picks the
 * guest (cases.h lists them); the guest gets the rest of the entries. */
#include "conformance.h"

#define CASE(ident, name) extern const conformance_guest_t conformance_##ident;
#include "cases.h"
#undef CASE

static const conformance_guest_t *guest;

/* Removes entry `i` of `config` (its strings freed, the rest moved up). */
static void drop_entry(wasmprep_config_t *config, size_t i) {
  plugin_string_free(&config->ptr[i].f0);
  plugin_string_free(&config->ptr[i].f1);
  memmove(&config->ptr[i], &config->ptr[i + 1], (config->len - i - 1) * sizeof config->ptr[0]);
  config->len--;
}

bool exports_wasmprep_plugin_transform_configure(wasmprep_config_t *config,
                                                 wasmprep_contract_t *ret,
                                                 wasmprep_error_t *err) {
  guest = NULL;
  for (size_t i = 0; i < config->len && guest == NULL; i++) {
    const wasmprep_string_t *key = &config->ptr[i].f0, *name = &config->ptr[i].f1;
    if (!wasmprep_str_eq(key, "case")) continue;
#define CASE(ident, text) \
    if (guest == NULL && wasmprep_str_eq(name, text)) guest = &conformance_##ident;
#include "cases.h"
#undef CASE
    drop_entry(config, i);
  }
  if (guest == NULL) {
    wasmprep_config_free(config);
    return wasmprep_invalid_config(err, "no guest for this case");
  }
  return guest->configure(config, ret, err);
}

bool exports_wasmprep_plugin_transform_process(wasmprep_columns_t *in,
                                               wasmprep_batch_output_t *ret,
                                               wasmprep_error_t *err) {
  return guest->process(in, ret, err);
}
