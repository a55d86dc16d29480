;; The functions of WASI preview 1 that Go's runtime (GOOS=wasip1) uses,
;; implemented without any grant; wasmprep-c-bindgen adds a stub for every
;; other function the module imports (see go.rs). The main module's memory
;; is imported (as wit-component expects of an adapter); no data segments.
;;   fd_write      fd 1 -> host log at info, fd 2 -> warn (one message per
;;                 buffer, a trailing newline dropped); other fds EBADF
;;   clocks        a virtual clock: 0 at instantiation, +1 us per reading,
;;                 and poll_oneoff's timeouts jump it forward (no waiting)
;;   random_get    wasi:random (needs no grant)
;;   args, environ empty
;;   proc_exit     traps (the host reports the trap)
(module
  (import "wasmprep:plugin/host@0.1.0" "log" (func $log (param i32 i32 i32)))
  (import "wasi:random/random@0.2.0" "get-random-u64" (func $random (result i64)))
  (import "env" "memory" (memory 0))
  (global $now (mut i64) (i64.const 0))

  (func (export "fd_write") (param $fd i32) (param $iovs i32) (param $n i32) (param $written i32) (result i32)
    (local $level i32) (local $ptr i32) (local $len i32) (local $total i32)
    (if (i32.eq (local.get $fd) (i32.const 1))
      (then (local.set $level (i32.const 2)))
      (else (if (i32.eq (local.get $fd) (i32.const 2))
        (then (local.set $level (i32.const 3)))
        (else (return (i32.const 8))))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $ptr (i32.load (local.get $iovs)))
        (local.set $len (i32.load offset=4 (local.get $iovs)))
        (local.set $total (i32.add (local.get $total) (local.get $len)))
        (if (local.get $len)
          (then
            (if (i32.eq (i32.load8_u (i32.sub (i32.add (local.get $ptr) (local.get $len)) (i32.const 1)))
                        (i32.const 10))
              (then (local.set $len (i32.sub (local.get $len) (i32.const 1)))))
            (call $log (local.get $level) (local.get $ptr) (local.get $len))))
        (local.set $iovs (i32.add (local.get $iovs) (i32.const 8)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $written) (local.get $total))
    (i32.const 0))

  (func (export "clock_time_get") (param $id i32) (param $precision i64) (param $out i32) (result i32)
    (global.set $now (i64.add (global.get $now) (i64.const 1000)))
    (i64.store (local.get $out) (global.get $now))
    (i32.const 0))

  (func (export "clock_res_get") (param $id i32) (param $out i32) (result i32)
    (i64.store (local.get $out) (i64.const 1000))
    (i32.const 0))

  ;; subscription: userdata u64 @0, tag u8 @8, clock {id @16, timeout u64
  ;; @24, precision @32, flags u16 @40}; 48 bytes. event: userdata @0,
  ;; error u16 @8, type u8 @10, fd_readwrite @16; 32 bytes.
  (func (export "poll_oneoff") (param $in i32) (param $out i32) (param $n i32) (param $nevents i32) (result i32)
    (local $i i32) (local $t i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i64.store (local.get $out) (i64.load (local.get $in)))
        (i64.store offset=8 (local.get $out) (i64.const 0))
        (i64.store offset=16 (local.get $out) (i64.const 0))
        (i64.store offset=24 (local.get $out) (i64.const 0))
        (i32.store8 offset=10 (local.get $out) (i32.load8_u offset=8 (local.get $in)))
        (if (i32.eqz (i32.load8_u offset=8 (local.get $in)))
          (then
            (local.set $t (i64.load offset=24 (local.get $in)))
            (if (i32.and (i32.load16_u offset=40 (local.get $in)) (i32.const 1))
              (then (if (i64.gt_u (local.get $t) (global.get $now))
                (then (global.set $now (local.get $t)))))
              (else (global.set $now (i64.add (global.get $now) (local.get $t))))))
          (else (i32.store16 offset=8 (local.get $out) (i32.const 8))))
        (local.set $in (i32.add (local.get $in) (i32.const 48)))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.store (local.get $nevents) (local.get $n))
    (i32.const 0))

  (func (export "random_get") (param $buf i32) (param $len i32) (result i32)
    (local $r i64)
    (block $done
      (loop $next
        (br_if $done (i32.lt_u (local.get $len) (i32.const 8)))
        (i64.store (local.get $buf) (call $random))
        (local.set $buf (i32.add (local.get $buf) (i32.const 8)))
        (local.set $len (i32.sub (local.get $len) (i32.const 8)))
        (br $next)))
    (local.set $r (call $random))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $len)))
        (i64.store8 (local.get $buf) (local.get $r))
        (local.set $r (i64.shr_u (local.get $r) (i64.const 8)))
        (local.set $buf (i32.add (local.get $buf) (i32.const 1)))
        (local.set $len (i32.sub (local.get $len) (i32.const 1)))
        (br $next)))
    (i32.const 0))

  (func (export "args_sizes_get") (param $count i32) (param $size i32) (result i32)
    (i32.store (local.get $count) (i32.const 0))
    (i32.store (local.get $size) (i32.const 0))
    (i32.const 0))
  (func (export "environ_sizes_get") (param $count i32) (param $size i32) (result i32)
    (i32.store (local.get $count) (i32.const 0))
    (i32.store (local.get $size) (i32.const 0))
    (i32.const 0))
  (func (export "args_get") (param i32 i32) (result i32) (i32.const 0))
  (func (export "environ_get") (param i32 i32) (result i32) (i32.const 0))

  (func (export "proc_exit") (param $code i32) (unreachable))
  (func (export "sched_yield") (result i32) (i32.const 0))

  ;; stdin, stdout and stderr are character devices; no other fd exists.
  ;; fdstat: filetype u8 @0, flags u16 @2, rights u64 @8, inheriting @16.
  (func (export "fd_fdstat_get") (param $fd i32) (param $out i32) (result i32)
    (if (i32.gt_u (local.get $fd) (i32.const 2)) (then (return (i32.const 8))))
    (i64.store (local.get $out) (i64.const 2))
    (i64.store offset=8 (local.get $out) (i64.const -1))
    (i64.store offset=16 (local.get $out) (i64.const 0))
    (i32.const 0))
  (func (export "fd_fdstat_set_flags") (param $fd i32) (param $flags i32) (result i32)
    (if (result i32) (i32.gt_u (local.get $fd) (i32.const 2))
      (then (i32.const 8))
      (else (i32.const 0))))
;; STUBS
)
