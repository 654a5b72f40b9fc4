using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AgentFlow.Deployers.Local;

/// <summary>Starting, recognising and stopping the runtime process, without keeping a handle on it between phases.</summary>
internal static class LocalProcess
{
    /// <summary>
    /// Host variables that must not reach the agent: the server's own settings and secrets (database, JWT key) and
    /// ASP.NET Core settings meant for the server (its URLs, hosting startup assemblies).
    /// </summary>
    private static readonly string[] DroppedPrefixes = ["AgentFlow__", "AGENTFLOW_", "ConnectionStrings__", "ASPNETCORE_", "Kestrel__"];

    private static readonly string[] SetsidPaths = ["/usr/bin/setsid", "/bin/setsid"];

    /// <summary>A free TCP port on the loopback address (a small race with other programs is accepted; Verify catches it).</summary>
    public static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Starts <c>dotnet runtime.dll</c> detached from the Host: its own session on Unix (so a Ctrl+C or the Host's exit
    /// does not reach it), stdin from /dev/null, stdout and stderr appended to the log files.
    /// </summary>
    /// <returns>The process id and its start mark.</returns>
    public static (int Pid, string StartMark) Start(string dotnet, string runtimeDll, string workingDirectory, string stdoutLog, string stderrLog,
        IReadOnlyDictionary<string, string> environment)
    {
        ProcessStartInfo info;
        if (OperatingSystem.IsWindows())
        {
            // No shell redirection here: the runtime's output is not captured to files on Windows (docs/deployers.md).
            info = new ProcessStartInfo(dotnet) { UseShellExecute = false, CreateNoWindow = true };
            info.ArgumentList.Add(runtimeDll);
        }
        else
        {
            // `exec` keeps the pid: the pid we record is the runtime's. setsid, when present, detaches it from the
            // Host's session and process group; the log paths travel as arguments, never spliced into the script.
            var setsid = SetsidPaths.FirstOrDefault(File.Exists);
            info = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add($"exec {setsid} \"$0\" \"$3\" </dev/null >>\"$1\" 2>>\"$2\"");

            info.ArgumentList.Add(dotnet);
            info.ArgumentList.Add(stdoutLog);
            info.ArgumentList.Add(stderrLog);
            info.ArgumentList.Add(runtimeDll);
        }

        info.WorkingDirectory = workingDirectory;
        foreach (var key in info.Environment.Keys.ToList())
        {
            if (DroppedPrefixes.Any(p => key.StartsWith(p, StringComparison.OrdinalIgnoreCase)) && !string.Equals(key, "ASPNETCORE_ENVIRONMENT", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(key);
            }
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {dotnet}");
        var pid = process.Id;
        return (pid, StartMarkOf(pid) ?? throw new InvalidOperationException($"The runtime process {pid} exited at once; see {stderrLog}"));
    }

    /// <summary>Whether the process <paramref name="pid"/> runs and is the one that was started (not a reused pid).</summary>
    public static bool IsAlive(int pid, string startMark) => pid > 0 && StartMarkOf(pid) is { } mark && string.Equals(mark, startMark, StringComparison.Ordinal);

    /// <summary>
    /// What identifies one process across pid reuse: on Linux its start time in clock ticks since boot (/proc/pid/stat,
    /// field 22; a zombie counts as gone), elsewhere <see cref="Process.StartTime"/> to the second. Null when gone.
    /// </summary>
    public static string? StartMarkOf(int pid)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                return fields[0] is "Z" or "X" ? null : fields[19];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException or ArgumentOutOfRangeException)
            {
                return null;
            }
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.HasExited ? null : process.StartTime.ToUniversalTime().ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>Asks the process to stop: SIGTERM on Unix (the runtime shuts down gracefully on it).</summary>
    /// <returns>Whether a signal was sent.</returns>
    public static async Task<bool> SignalTerminateAsync(int pid, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        // .NET has no API to send SIGTERM to another process; kill(1) does it.
        var info = new ProcessStartInfo("kill") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add("-TERM");
        info.ArgumentList.Add(pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var kill = Process.Start(info);
            if (kill is null)
            {
                return false;
            }

            await kill.WaitForExitAsync(cancellationToken);
            return kill.ExitCode == 0;
        }
        catch (Win32Exception)
        {
            // No kill(1) on this machine: the caller falls back to POST /shutdown, then to killing the process.
            return false;
        }
    }

    /// <summary>Kills the process and its children, when it is still the one that was started.</summary>
    public static void Kill(int pid, string startMark)
    {
        if (!IsAlive(pid, startMark))
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or Win32Exception)
        {
            // Exited in between: what we wanted.
        }
    }
}
