using System.Net.Sockets;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Notifications;
using AgentFlow.Workflows.Runtime;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AgentFlow.Host.Notifications;

/// <summary>
/// "email": sends an outbox message <c>{to: [...], subject, body}</c> through the SMTP relay of <c>AgentFlow:Smtp</c>.
/// Transient failures (no connection, a 4xx reply, a broken session) throw, so the outbox retries with backoff; a 5xx
/// reply is permanent (the relay will refuse the same mail again), so it is logged and the message is settled.
/// Lives in the Host because Workflows references neither the Engine's options nor MailKit.
/// </summary>
internal sealed partial class SmtpOutboxHandler(IOptionsMonitor<SmtpOptions> options, ILogger<SmtpOutboxHandler> logger) : IOutboxHandler
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    public string Kind => "email";

    public async Task HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var smtp = options.CurrentValue;
        if (!smtp.IsConfigured)
        {
            // Queued while SMTP was configured, dispatched after it was removed: retry in case it comes back.
            throw new InvalidOperationException("SMTP is not configured (AgentFlow:Smtp:Host); the e-mail waits for it.");
        }

        if (!TryBuild(delivery, smtp, out var message, out var problem))
        {
            LogMalformed(logger, delivery.Id, problem);
            return;
        }

        using (message)
        using (var client = new SmtpClient { Timeout = (int)CommandTimeout.TotalMilliseconds })
        {
            try
            {
                await client.ConnectAsync(smtp.Host, smtp.Port, smtp.UseStartTls ? SecureSocketOptions.StartTls : SecureSocketOptions.None, cancellationToken);
                if (!string.IsNullOrEmpty(smtp.Username))
                {
                    await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
                }

                await client.SendAsync(message, cancellationToken);
                await client.DisconnectAsync(quit: true, cancellationToken);
            }
            catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
            {
                LogRejected(logger, delivery.Id, (int)ex.StatusCode, ex.ErrorCode.ToString(), ex.Mailbox?.Address, ex.Message);
                return;
            }
            catch (Exception ex) when (ex is SmtpCommandException or SmtpProtocolException or SocketException or IOException or ServiceNotConnectedException)
            {
                // The outbox keeps the message and tries again later; its error column shows why.
                throw new IOException($"SMTP delivery to {smtp.Host}:{smtp.Port} failed: {ex.Message}", ex);
            }
        }

        LogSent(logger, delivery.Id, message.To.Count);
    }

    public Task GiveUpAsync(OutboxDelivery delivery, string failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        LogGaveUp(logger, delivery.Id, failure);
        return Task.CompletedTask;
    }

    private static bool TryBuild(OutboxDelivery delivery, SmtpOptions smtp, out MimeMessage message, out string problem)
    {
        message = new MimeMessage();
        problem = "";
        var payload = delivery.Payload as JsonObject ?? [];
        foreach (var node in payload["to"] as JsonArray ?? [])
        {
            if (node?.GetValueKind() == System.Text.Json.JsonValueKind.String && MailboxAddress.TryParse(node.GetValue<string>(), out var to))
            {
                message.To.Add(to);
            }
        }

        if (message.To.Count == 0)
        {
            problem = "The e-mail has no valid recipient.";
            message.Dispose();
            return false;
        }

        message.From.Add(MailboxAddress.Parse(smtp.From!));
        message.Subject = payload["subject"]?.GetValue<string>() ?? "";
        // The outbox id makes every retry of the same notification the same message for the relay and the reader.
        message.MessageId = $"{delivery.Id:N}@agentflow";
        message.Body = new TextPart(MimeKit.Text.TextFormat.Plain) { Text = payload["body"]?.GetValue<string>() ?? "" };
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "E-mail {OutboxId} sent to {Recipients} recipient(s)")]
    private static partial void LogSent(ILogger logger, Guid outboxId, int recipients);

    [LoggerMessage(Level = LogLevel.Error, Message = "E-mail {OutboxId} rejected by the SMTP relay ({StatusCode}, {ErrorCode}, mailbox {Mailbox}): {Reason}; not retried")]
    private static partial void LogRejected(ILogger logger, Guid outboxId, int statusCode, string errorCode, string? mailbox, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "E-mail {OutboxId} cannot be sent: {Problem}")]
    private static partial void LogMalformed(ILogger logger, Guid outboxId, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "E-mail {OutboxId} was not delivered after every attempt: {Failure}")]
    private static partial void LogGaveUp(ILogger logger, Guid outboxId, string failure);
}
