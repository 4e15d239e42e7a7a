//! The smallest program worth sweeping: what does `println!` cost?
//!
//! With the `no-std` feature (Linux x86-64 only, and `panic = "abort"`) it is the seed article's
//! `#![no_std]` + `#![no_main]` hello world instead: no standard library, no C runtime, two
//! system calls, to measure what std itself costs under the same profile.
#![cfg_attr(feature = "no-std", no_std, no_main)]

#[cfg(not(feature = "no-std"))]
fn main() {
    println!("Hello, world!");
}

#[cfg(feature = "no-std")]
mod bare {
    #[cfg(not(all(target_os = "linux", target_arch = "x86_64")))]
    compile_error!("the no-std hello world makes Linux x86-64 system calls");

    const GREETING: &[u8] = b"Hello, world!\n";

    /// The entry point the kernel jumps to: no C runtime, no `main`.
    #[unsafe(no_mangle)]
    extern "C" fn _start() -> ! {
        let written = write(1, GREETING);
        exit(if written == GREETING.len() as isize { 0 } else { 1 })
    }

    /// `write(2)`: the number of bytes written, or a negative error.
    fn write(fd: usize, bytes: &[u8]) -> isize {
        let result: isize;
        // SAFETY: the write system call reads `bytes.len()` bytes from a valid slice.
        unsafe {
            core::arch::asm!(
                "syscall",
                inlateout("rax") 1isize => result,
                in("rdi") fd,
                in("rsi") bytes.as_ptr(),
                in("rdx") bytes.len(),
                lateout("rcx") _,
                lateout("r11") _,
                options(nostack)
            );
        }
        result
    }

    /// `exit(2)`.
    fn exit(code: i32) -> ! {
        // SAFETY: the exit system call does not return.
        unsafe {
            core::arch::asm!("syscall", in("rax") 60, in("rdi") code, options(noreturn, nostack));
        }
    }

    #[panic_handler]
    fn panic(_: &core::panic::PanicInfo) -> ! {
        exit(101)
    }
}
