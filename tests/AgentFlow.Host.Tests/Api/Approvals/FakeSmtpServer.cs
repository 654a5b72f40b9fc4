using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MimeKit;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>
/// A minimal SMTP server on 127.0.0.1 (a free port) that stands in for the mail relay, which cannot run here. It speaks
/// just enough of RFC 5321 for a client without TLS or authentication: a 220 greeting, EHLO/HELO 250, MAIL FROM 250,
/// RCPT TO 250 (or 550 for the addresses in <see cref="RejectedRecipients"/>), DATA 354 read up to the lone dot then
/// 250, RSET/NOOP 250 and QUIT 221. <see cref="TransientFailures"/> answers the next MAIL FROMs with 451, like a busy
/// relay. Every accepted message is parsed (dot-unstuffed) into <see cref="Messages"/>; every RCPT is in <see cref="RecipientAttempts"/>.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _transientFailures;

    public FakeSmtpServer()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The messages accepted, with their envelope recipients.</summary>
    public ConcurrentQueue<ReceivedMail> Messages { get; } = new();

    /// <summary>Every RCPT TO address the server was given, accepted or not.</summary>
    public ConcurrentQueue<string> RecipientAttempts { get; } = new();

    /// <summary>Recipients answered with <c>550</c> (a permanent failure).</summary>
    public ConcurrentDictionary<string, bool> RejectedRecipients { get; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many of the next MAIL FROM commands are answered <c>451</c> (a transient failure).</summary>
    public int TransientFailures
    {
        get => Volatile.Read(ref _transientFailures);
        set => Volatile.Write(ref _transientFailures, value);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        try
        {
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1, false, 1024, leaveOpen: true);
            await using var writer = new StreamWriter(stream, Encoding.Latin1, 1024, leaveOpen: true) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake-smtp ESMTP ready");
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(_stop.Token) is { } line)
            {
                var verb = (line.Length >= 4 ? line[..4] : line).ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                    case "HELO":
                        await writer.WriteLineAsync("250 fake-smtp");
                        break;
                    case "MAIL":
                        recipients.Clear();
                        if (Interlocked.Decrement(ref _transientFailures) >= 0)
                        {
                            await writer.WriteLineAsync("451 4.3.0 Try again later");
                        }
                        else
                        {
                            Interlocked.Exchange(ref _transientFailures, 0);
                            await writer.WriteLineAsync("250 2.1.0 OK");
                        }

                        break;
                    case "RCPT":
                        var address = Address(line);
                        RecipientAttempts.Enqueue(address);
                        if (RejectedRecipients.ContainsKey(address))
                        {
                            await writer.WriteLineAsync("550 5.1.1 No such user");
                        }
                        else
                        {
                            recipients.Add(address);
                            await writer.WriteLineAsync("250 2.1.5 OK");
                        }

                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(_stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                        }

                        using (var raw = new MemoryStream(Encoding.Latin1.GetBytes(data.ToString())))
                        {
                            Messages.Enqueue(new ReceivedMail([.. recipients], await MimeMessage.LoadAsync(raw, _stop.Token)));
                        }

                        await writer.WriteLineAsync("250 2.0.0 Queued");
                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 2.0.0 Bye");
                        return;
                    case "RSET":
                    case "NOOP":
                        recipients.Clear();
                        await writer.WriteLineAsync("250 2.0.0 OK");
                        break;
                    default:
                        await writer.WriteLineAsync("502 5.5.2 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client went away or the server is stopping.
        }
    }

    private static string Address(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }
}

/// <summary>A message the fake relay accepted: the envelope recipients and the parsed message.</summary>
public sealed record ReceivedMail(IReadOnlyList<string> Recipients, MimeMessage Message);
