package plugin

import (
	"sort"
	"strconv"
	"strings"
)

// Config is the plugin's configuration (WIT `config`): scalars arrive as
// their text ("0.01", "true", "abc"), arrays and tables as JSON text.
//
// Every key the plugin reads is remembered: after Configure returns, a key
// it never read is refused as `unknown key(s): ...` (a typo in a job spec
// is an error, not a silent default).
type Config struct {
	values map[string]string
	used   map[string]bool
}

// NewConfig makes a configuration from key/value pairs (what the host sends).
func NewConfig(pairs [][2]string) *Config {
	c := &Config{values: make(map[string]string, len(pairs)), used: map[string]bool{}}
	for _, p := range pairs {
		c.values[p[0]] = p[1]
	}
	return c
}

// ConfigFromMap makes a configuration from a map (for tests).
func ConfigFromMap(m map[string]string) *Config {
	c := &Config{values: make(map[string]string, len(m)), used: map[string]bool{}}
	for k, v := range m {
		c.values[k] = v
	}
	return c
}

// Has tells whether key is set, and marks it as known.
func (c *Config) Has(key string) bool {
	c.used[key] = true
	_, ok := c.values[key]
	return ok
}

// String is the text of key, or fallback when it is not set.
func (c *Config) String(key, fallback string) string {
	c.used[key] = true
	if v, ok := c.values[key]; ok {
		return v
	}
	return fallback
}

// Float64 is key as a number, or fallback when it is not set; a value that
// is not a number is a ConfigError naming the key.
func (c *Config) Float64(key string, fallback float64) (float64, error) {
	v, ok := c.lookup(key)
	if !ok {
		return fallback, nil
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, InvalidConfig("`%s` must be a number, not `%s`", key, v)
	}
	return f, nil
}

// Int is key as an integer, or fallback when it is not set.
func (c *Config) Int(key string, fallback int64) (int64, error) {
	v, ok := c.lookup(key)
	if !ok {
		return fallback, nil
	}
	i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return 0, InvalidConfig("`%s` must be an integer, not `%s`", key, v)
	}
	return i, nil
}

// Bool is key as true/false, or fallback when it is not set.
func (c *Config) Bool(key string, fallback bool) (bool, error) {
	v, ok := c.lookup(key)
	if !ok {
		return fallback, nil
	}
	switch strings.TrimSpace(v) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, InvalidConfig("`%s` must be true or false, not `%s`", key, v)
}

// Keys lists the keys set, sorted (it marks none as known).
func (c *Config) Keys() []string {
	keys := make([]string, 0, len(c.values))
	for k := range c.values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Unknown lists the keys set but never read, sorted.
func (c *Config) Unknown() []string {
	var unknown []string
	for _, k := range c.Keys() {
		if !c.used[k] {
			unknown = append(unknown, k)
		}
	}
	return unknown
}

// Finish refuses the keys never read; the kit calls it after Configure.
func (c *Config) Finish() error {
	if unknown := c.Unknown(); len(unknown) > 0 {
		return InvalidConfig("unknown key(s): %s", strings.Join(unknown, ", "))
	}
	return nil
}

func (c *Config) lookup(key string) (string, bool) {
	c.used[key] = true
	v, ok := c.values[key]
	return v, ok
}
