//! What differs between operating systems, in one place. The sweep is developed and measured on
//! Linux; macOS shares the Unix parts; on Windows the library and CLI compile, sizes and builds
//! work, and what needs the Unix process API says "not supported on this platform yet".

use std::process::Command;

/// Puts the command's process in a process group of its own (Unix), so that a signal to the
/// sweep can stop it and everything under it; on Windows it stays in ours.
pub fn own_process_group(command: &mut Command) {
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    #[cfg(not(unix))]
    let _ = command;
}

/// Asks Linux to stop the command when the sweep dies, even by `kill -9`; elsewhere nothing.
pub fn die_with_parent(command: &mut Command) {
    #[cfg(target_os = "linux")]
    // SAFETY: prctl is async-signal-safe; it asks the kernel to stop the child if we die.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(command, || {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    #[cfg(not(target_os = "linux"))]
    let _ = command;
}

/// Sends SIGTERM to process group `pgid` (Unix); on Windows, not supported yet.
pub fn terminate_group(pgid: i32) {
    #[cfg(unix)]
    if pgid > 0 {
        // SAFETY: sending a signal to a process group we created has no memory-safety impact.
        unsafe {
            libc::kill(-pgid, libc::SIGTERM);
        }
    }
    #[cfg(not(unix))]
    let _ = pgid;
}

/// Whether process `pid` exists (Unix: signal 0). Not supported on Windows yet: there it says
/// no, so a sweep that is running is not detected by another one.
pub fn process_exists(pid: u32) -> bool {
    #[cfg(unix)]
    // SAFETY: signal 0 only checks for existence and permission.
    return unsafe { libc::kill(pid as libc::pid_t, 0) == 0 };
    #[cfg(not(unix))]
    {
        let _ = pid;
        false
    }
}

/// Bytes of a `ru_maxrss`: the kernel reports KiB on Linux and bytes on macOS.
#[cfg(unix)]
pub fn max_rss_bytes(ru_maxrss: libc::c_long) -> Option<u64> {
    let unit = if cfg!(target_os = "macos") { 1 } else { 1024 };
    u64::try_from(ru_maxrss).ok().filter(|&n| n > 0).map(|n| n * unit)
}

/// Peak resident set size of this process, from the kernel; `None` where it does not say.
pub fn own_peak_rss_bytes() -> Option<u64> {
    #[cfg(unix)]
    return max_rss_bytes(rusage(libc::RUSAGE_SELF)?.ru_maxrss);
    #[cfg(not(unix))]
    None
}

/// CPU time (user + system) of this process and of every child it has waited for, from
/// `getrusage`; `None` where the kernel does not say.
pub fn own_cpu_time() -> Option<std::time::Duration> {
    #[cfg(unix)]
    {
        let cpu = |usage: libc::rusage| {
            let time = |t: libc::timeval| {
                std::time::Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000)
            };
            time(usage.ru_utime) + time(usage.ru_stime)
        };
        Some(cpu(rusage(libc::RUSAGE_SELF)?) + cpu(rusage(libc::RUSAGE_CHILDREN)?))
    }
    #[cfg(not(unix))]
    None
}

/// The kernel's clock ticks per second (`USER_HZ`), the unit of `/proc/stat`'s CPU times.
pub fn clock_ticks_per_second() -> Option<u64> {
    #[cfg(unix)]
    {
        // SAFETY: sysconf only reads a system constant.
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
        u64::try_from(hz).ok().filter(|&hz| hz > 0)
    }
    #[cfg(not(unix))]
    None
}

/// `getrusage(who)`; `None` when it fails.
#[cfg(unix)]
fn rusage(who: libc::c_int) -> Option<libc::rusage> {
    // SAFETY: getrusage writes into the struct we pass and nothing else.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        (libc::getrusage(who, &mut usage) == 0).then_some(usage)
    }
}

/// Waits for `child` to exit; also returns the peak resident set size of it and of every
/// process it waited for (cargo and each rustc), from `wait4`; `None` where the kernel does not
/// say.
pub fn wait_with_peak_rss(
    child: &mut std::process::Child,
) -> std::io::Result<(std::process::ExitStatus, Option<u64>)> {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        let pid = child.id() as libc::pid_t;
        loop {
            let (mut status, mut usage) = (0, unsafe { std::mem::zeroed::<libc::rusage>() });
            // SAFETY: waits for our own child; the out-params are ours.
            let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
            if reaped == pid {
                let status = std::process::ExitStatus::from_raw(status);
                return Ok((status, max_rss_bytes(usage.ru_maxrss)));
            }
            let error = std::io::Error::last_os_error();
            if error.kind() != std::io::ErrorKind::Interrupted {
                return Err(error);
            }
        }
    }
    #[cfg(not(unix))]
    Ok((child.wait()?, None))
}

/// Gives a new file the usual `rw-r--r--` (Unix); elsewhere the default.
pub fn usual_file_permissions(file: &std::fs::File) -> std::io::Result<()> {
    #[cfg(unix)]
    return file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    #[cfg(not(unix))]
    {
        let _ = file;
        Ok(())
    }
}
