using System.Text.Json;
using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Agents;

/// <summary>The organisation's agents: create, list, change, archive, delete.</summary>
public sealed partial class AgentService(AgentFlowDbContext db, UsageService usage, AgentLifecycleService lifecycle, TimeProvider time)
{
    public async Task<Page<Agent>> ListAsync(AgentFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        var query = db.Agents.AsNoTracking();
        if (filter.Status is not null)
        {
            if (!AgentStatusNames.TryParse(filter.Status, out var status))
            {
                throw InputValidationException.For("status", $"The status filter must be one of: {string.Join(", ", AgentStatusNames.All)}.");
            }

            query = query.Where(a => a.Status == status);
        }

        return await query.OrderByDescending(a => a.CreatedAt).ThenBy(a => a.Id).ToPageAsync(page, cancellationToken);
    }

    public async Task<Agent> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
        ?? throw new ResourceNotFoundException("Agent", id.ToString());

    public async Task<Agent> CreateAsync(CreateAgentCommand command, Guid? createdBy, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var name = ValidateName(errors, command.Name, required: true)!;
        var email = errors.Email("email", command.Email, required: false);
        var role = errors.Text("role", command.Role, 32, required: false);
        var metadata = ValidateMetadata(errors, command.Metadata);
        errors.ThrowIfAny();

        email ??= $"{name.ToLowerInvariant()}@localhost";
        await EnsureUniqueAsync(name, email, exceptId: null, cancellationToken);
        // After validation and the duplicate check, so a bad request hears about its input first.
        await usage.EnsureCanAddAgentAsync(OrgInScope(), cancellationToken);

        var now = time.GetUtcNow();
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(now),
            Name = name,
            Email = email,
            Role = role ?? "assistant",
            Metadata = metadata ?? "{}",
            CreatedBy = createdBy,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Agents.Add(agent);
        db.AgentStateHistory.Add(AgentLifecycleService.Created(agent, AgentActors.Of(createdBy)));
        await SaveAsync(cancellationToken);
        return agent;
    }

    public async Task<Agent> UpdateAsync(Guid id, UpdateAgentCommand command, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var name = ValidateName(errors, command.Name, required: false);
        var email = errors.Email("email", command.Email, required: false);
        var role = errors.Text("role", command.Role, 32, required: false);
        AgentStatus? status = null;
        if (command.Status is not null)
        {
            if (AgentStatusNames.TryParse(command.Status, out var parsed))
            {
                status = parsed;
            }
            else
            {
                errors.Add("status", $"The status field must be one of: {string.Join(", ", AgentStatusNames.All)}.");
            }
        }

        var metadata = ValidateMetadata(errors, command.Metadata);
        errors.ThrowIfAny();

        var agent = await FindTrackedAsync(id, cancellationToken);
        if (name is not null || email is not null)
        {
            await EnsureUniqueAsync(name, email, exceptId: id, cancellationToken);
        }

        agent.Name = name ?? agent.Name;
        agent.Email = email ?? agent.Email;
        agent.Role = role ?? agent.Role;
        agent.Status = status ?? agent.Status;
        agent.Metadata = metadata ?? agent.Metadata;
        agent.UpdatedAt = time.GetUtcNow();
        await SaveAsync(cancellationToken);
        return agent;
    }

    public async Task<Agent> SetStatusAsync(Guid id, AgentStatus status, CancellationToken cancellationToken = default)
    {
        var agent = await FindTrackedAsync(id, cancellationToken);
        if (agent.Status != status)
        {
            agent.Status = status;
            agent.UpdatedAt = time.GetUtcNow();
            await SaveAsync(cancellationToken);
        }

        return agent;
    }

    /// <summary>Deletes an agent that was never deployed, or whose deployment is gone.</summary>
    /// <exception cref="ResourceConflictException">
    /// <c>AGENT_DEPLOYED</c>: the agent may have a deployment (<see cref="AgentTransitionTable.Deployed"/>); deleting the
    /// row would leave it running. The engine's destroy (DELETE /api/engine/agents/{id}) stops and removes it first.
    /// </exception>
    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var agent = await FindTrackedAsync(id, cancellationToken);
        if (AgentTransitionTable.Deployed.Contains(agent.State, StringComparer.Ordinal))
        {
            throw new ResourceConflictException(
                $"The agent is deployed (state '{agent.State}'): destroy it with DELETE /api/engine/agents/{id}, which stops and removes its deployment first.",
                "state", AgentDeployedCode);
        }

        db.Agents.Remove(agent);
        await db.SaveChangesAsync(cancellationToken);
    }

    public const string AgentDeployedCode = "AGENT_DEPLOYED";

    /// <summary>The last step of a destroy: deletes the agent (and its history) if it is still destroying.</summary>
    /// <exception cref="InvalidTransitionException">The agent left destroying meanwhile (a failed teardown moved it to error).</exception>
    public async Task DeleteDestroyedAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var deleted = await db.Agents.Where(a => a.Id == id && a.State == AgentStates.Destroying).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            var agent = await GetAsync(id, cancellationToken);
            throw new InvalidTransitionException(agent.State, AgentTrigger.Destroy, new AgentStateMachine(agent.State, AgentConfigView.Of(agent).IsComplete).PermittedTriggers);
        }
    }

    private Guid OrgInScope() => db.CurrentOrgId ?? throw new InvalidOperationException("No organisation in scope to own the new agent.");

    private async Task<Agent> FindTrackedAsync(Guid id, CancellationToken cancellationToken) =>
        await db.Agents.FirstOrDefaultAsync(a => a.Id == id, cancellationToken)
        ?? throw new ResourceNotFoundException("Agent", id.ToString());

    private async Task EnsureUniqueAsync(string? name, string? email, Guid? exceptId, CancellationToken cancellationToken)
    {
        var clash = await db.Agents.AsNoTracking()
            .Where(a => a.Id != exceptId && (a.Name == name || a.Email == email))
            .Select(a => new { a.Name, a.Email })
            .FirstOrDefaultAsync(cancellationToken);
        if (clash is null)
        {
            return;
        }

        throw clash.Name == name
            ? new ResourceConflictException($"An agent named '{name}' already exists.", "name")
            : new ResourceConflictException($"An agent with the email '{email}' already exists.", "email");
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            // Another request created the same name or email between our check and our insert.
            throw new ResourceConflictException("An agent with this name or email already exists.", "name");
        }
    }

    private static string? ValidateName(FieldErrors errors, string? value, bool required, string field = "name")
    {
        var name = errors.Text(field, value, 64, required);
        return errors.Matches(field, name, NamePattern(), "may contain only letters, digits, '-' and '_'");
    }

    private static string? ValidateMetadata(FieldErrors errors, JsonElement? metadata, string field = "metadata")
    {
        if (metadata is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"The {field} field must be a JSON object.");
            return null;
        }

        return element.GetRawText();
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]+$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
