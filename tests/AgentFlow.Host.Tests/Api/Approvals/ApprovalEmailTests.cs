using System.Text.Json;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>The Host with <c>AgentFlow:Smtp</c> pointing at a <see cref="FakeSmtpServer"/> (plain SMTP, no TLS).</summary>
public sealed class SmtpHostFixture : SqliteHostFixture
{
    public const string Sender = "agentflow@example.com";

    public FakeSmtpServer Smtp { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["AgentFlow:Smtp:Host"] = "127.0.0.1",
        ["AgentFlow:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AgentFlow:Smtp:UseStartTls"] = "false",
        ["AgentFlow:Smtp:From"] = Sender,
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>
/// <c>approval.notify</c> e-mails the policy's recipients through SMTP when it is configured, through the workflow
/// outbox (retried on 4xx, settled on 5xx), and only journals them when it is not.
/// SQLite only: what is under test is the notify step, the outbox handler and the SMTP conversation, none of which
/// depends on the database provider (the outbox itself runs on both in the workflow tests); a second provider would
/// only double a fake relay per run.
/// </summary>
public sealed class ApprovalEmailTests(SmtpHostFixture host, SqliteHostFixture plainHost) : IClassFixture<SmtpHostFixture>, IClassFixture<SqliteHostFixture>
{
    private const string Approver = "approver@example.com";
    private static readonly string[] AdminRole = ["admin"];

    [Fact]
    public async Task Notify_WithSmtpConfigured_MailsTheApproverWithToolAndApprovalId()
    {
        var tenant = await host.CreateTenantAsync();
        await CreateEmailPolicyAsync(tenant, Approver);
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(host, tenant, agentId);

        var approvalId = await RequestAsync(agent, new { to = "customer@example.com", subject = "Your order", apiToken = "tok-do-not-mail" });

        var mail = await MailForAsync(approvalId);
        Assert.Equal([Approver], mail.Recipients);
        Assert.Equal(SmtpHostFixture.Sender, mail.Message.From.Mailboxes.Single().Address);
        Assert.StartsWith("Approval needed: ", mail.Message.Subject, StringComparison.Ordinal);
        Assert.Contains(SendTool, mail.Message.Subject, StringComparison.Ordinal);
        var body = mail.Message.TextBody ?? "";
        Assert.Contains($"POST /api/engine/approvals/{approvalId}/decide", body, StringComparison.Ordinal);
        Assert.Contains($"Tool: {SendTool}", body, StringComparison.Ordinal);
        Assert.Contains("customer@example.com", body, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-do-not-mail", body, StringComparison.Ordinal);
        // Exactly one mail for this request, even after the outbox had time to run again.
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.Single(host.Smtp.Messages, m => (m.Message.TextBody ?? "").Contains(approvalId.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Notify_WhenTheRelayIsBusy_RetriesUntilTheMailIsAccepted()
    {
        var tenant = await host.CreateTenantAsync();
        await CreateEmailPolicyAsync(tenant, "busy-approver@example.com");
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(host, tenant, agentId);
        host.Smtp.TransientFailures = 1;

        var approvalId = await RequestAsync(agent, new { to = "customer@example.com" });

        var mail = await MailForAsync(approvalId);
        Assert.Equal(["busy-approver@example.com"], mail.Recipients);
        var row = await EmailOutboxRowAsync(approvalId, tenant);
        Assert.NotNull(row.DispatchedAt);
        Assert.True(row.Attempts >= 2, $"Expected a retry after the 451, got {row.Attempts} attempt(s).");
    }

    [Fact]
    public async Task Notify_WhenTheRelayRejectsTheRecipient_GivesUpWithoutRetrying()
    {
        var tenant = await host.CreateTenantAsync();
        var rejected = $"gone-{Guid.NewGuid():N}@example.com";
        host.Smtp.RejectedRecipients[rejected] = true;
        await CreateEmailPolicyAsync(tenant, rejected);
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(host, tenant, agentId);

        var approvalId = await RequestAsync(agent, new { to = "customer@example.com" });

        OutboxRecord? row = null;
        await PollAsync(async () => (row = await EmailOutboxRowAsync(approvalId, tenant)).DispatchedAt is not null || row.FailedAt is not null,
            () => $"the e-mail of {approvalId} to be settled (last: attempts {row?.Attempts}, error {row?.LastError})");
        await Task.Delay(TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        row = await EmailOutboxRowAsync(approvalId, tenant);
        Assert.Equal(1, row.Attempts);
        Assert.Single(host.Smtp.RecipientAttempts, a => a == rejected);
        Assert.DoesNotContain(host.Smtp.Messages, m => m.Recipients.Contains(rejected));
        // The request itself is unaffected: still waiting for its approvers.
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Notify_WithoutSmtpHost_JournalsNotConfiguredAndSendsNothing()
    {
        var tenant = await plainHost.CreateTenantAsync();
        await CreateEmailPolicyAsync(tenant, Approver);
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(plainHost, tenant, agentId);

        var approvalId = await RequestAsync(agent, new { to = "customer@example.com" });

        await AwaitingLevelAsync(tenant.Owner.Client, approvalId, 1);
        var instanceId = (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("workflowInstanceId").GetGuid();
        var journal = (await (await tenant.Owner.Client.GetAsync($"/api/workflows/instances/{instanceId}/journal?limit=1000")).AssertSuccessAsync()).GetProperty("data");
        var logs = journal.EnumerateArray().Where(e => e.GetProperty("event").GetString() == "log")
            .Select(e => e.GetProperty("data").GetProperty("message").GetString() ?? "").ToList();
        Assert.Contains(logs, m => m.Contains(Approver, StringComparison.Ordinal) && m.Contains("not configured", StringComparison.Ordinal));
        await using var db = await plainHost.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.False(await db.Outbox.IgnoreQueryFilters().AnyAsync(o => o.InstanceId == instanceId && o.Kind == "email", TestContext.Current.CancellationToken));
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("status").GetString());
    }

    private static Task<Guid> CreateEmailPolicyAsync(TestTenant tenant, string email) => CreatePolicyAsync(tenant.Owner.Client, new
    {
        name = "Mail the approver",
        triggers = new { toolIds = new[] { SendTool } },
        approvers = new { roles = AdminRole },
        timeout = new { minutes = 60, defaultAction = "deny" },
        notify = new { channels = Array.Empty<string>(), emails = new[] { email } },
    });

    private async Task<ReceivedMail> MailForAsync(Guid approvalId)
    {
        ReceivedMail? found = null;
        await PollAsync(() => Task.FromResult((found = host.Smtp.Messages.FirstOrDefault(m => (m.Message.TextBody ?? "").Contains(approvalId.ToString(), StringComparison.Ordinal))) is not null),
            () => $"a mail about {approvalId} (received {host.Smtp.Messages.Count}: {string.Join(" | ", host.Smtp.Messages.Select(m => m.Message.Subject))})");
        return found!;
    }

    private async Task<OutboxRecord> EmailOutboxRowAsync(Guid approvalId, TestTenant tenant)
    {
        JsonElement request = default;
        await PollAsync(async () => (request = await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("workflowInstanceId").ValueKind == JsonValueKind.String,
            () => $"approval {approvalId} to have its workflow");
        var instanceId = request.GetProperty("workflowInstanceId").GetGuid();
        OutboxRecord? row = null;
        await PollAsync(async () =>
        {
            await using var db = await host.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();
            row = await db.Outbox.IgnoreQueryFilters().AsNoTracking().SingleOrDefaultAsync(o => o.InstanceId == instanceId && o.Kind == "email");
            return row is not null;
        }, () => $"an e-mail outbox row for approval {approvalId}");
        return row!;
    }
}
