/* layout_check.c: the C types of the bindings (wit-bindgen-c's plugin.h)
 * have the sizes and offsets abi.zig declares by hand. build.sh compiles it
 * (syntax only, wasm32) before every build, so bindings whose layout moved
 * stop the build here instead of corrupting memory at run time. abi.zig
 * asserts the same numbers for its extern structs. */
#include <stddef.h>

#include "plugin.h"

#define SIZE(type, size) _Static_assert(sizeof(type) == (size), "size of " #type)
#define AT(type, field, offset) \
  _Static_assert(offsetof(type, field) == (offset), "offset of " #type "." #field)

SIZE(plugin_string_t, 8);
AT(plugin_string_t, len, 4);
SIZE(plugin_option_list_u8_t, 12);
AT(plugin_option_list_u8_t, val, 4);
SIZE(plugin_option_string_t, 12);
AT(plugin_option_string_t, val, 4);
SIZE(plugin_option_u32_t, 8);
AT(plugin_option_u32_t, val, 4);
SIZE(wasmprep_plugin_types_timestamp_type_t, 16);
AT(wasmprep_plugin_types_timestamp_type_t, timezone, 4);
SIZE(wasmprep_plugin_types_data_type_t, 20);
AT(wasmprep_plugin_types_data_type_t, val, 4);
SIZE(wasmprep_plugin_types_column_spec_t, 32);
AT(wasmprep_plugin_types_column_spec_t, data_type, 8);
AT(wasmprep_plugin_types_column_spec_t, nullable, 28);
SIZE(wasmprep_plugin_types_contract_t, 36);
AT(wasmprep_plugin_types_contract_t, version, 8);
AT(wasmprep_plugin_types_contract_t, inputs, 16);
AT(wasmprep_plugin_types_contract_t, outputs, 24);
AT(wasmprep_plugin_types_contract_t, filters, 32);
SIZE(wasmprep_plugin_types_column_t, 40);
AT(wasmprep_plugin_types_column_t, null_count, 4);
AT(wasmprep_plugin_types_column_t, validity, 8);
AT(wasmprep_plugin_types_column_t, offsets, 20);
AT(wasmprep_plugin_types_column_t, values, 32);
SIZE(wasmprep_plugin_types_batch_output_t, 20);
AT(wasmprep_plugin_types_batch_output_t, selection, 8);
SIZE(wasmprep_plugin_types_input_error_t, 28);
AT(wasmprep_plugin_types_input_error_t, row, 8);
AT(wasmprep_plugin_types_input_error_t, column, 16);
SIZE(wasmprep_plugin_types_error_t, 32);
AT(wasmprep_plugin_types_error_t, val, 4);
SIZE(plugin_tuple2_string_string_t, 16);
AT(plugin_tuple2_string_string_t, f1, 8);
SIZE(wasmprep_plugin_types_config_t, 8);
SIZE(exports_wasmprep_plugin_transform_list_column_t, 8);

/* The tags abi.zig and wasmprep.zig use. */
_Static_assert(WASMPREP_PLUGIN_TYPES_ERROR_INVALID_CONFIG == 0, "error tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_ERROR_INVALID_INPUT == 1, "error tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_ERROR_FAILURE == 2, "error tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_DATA_TYPE_BOOLEAN == 0, "data type tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_DATA_TYPE_FLOAT64 == 10, "data type tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_DATA_TYPE_UTF8 == 11, "data type tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_DATA_TYPE_DATE32 == 15, "data type tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_DATA_TYPE_TIMESTAMP == 16, "data type tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_DATA_TYPE_DURATION == 17, "data type tag");
_Static_assert(WASMPREP_PLUGIN_TYPES_TIME_UNIT_NANOSECOND == 3, "time unit");
_Static_assert(WASMPREP_PLUGIN_TYPES_LOG_LEVEL_ERROR == 4, "log level");
