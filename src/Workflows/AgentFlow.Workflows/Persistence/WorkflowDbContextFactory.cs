using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Persistence;

/// <summary>Hands out the provider's context as the abstract <see cref="WorkflowDbContext"/> (pooled: a burst opens one per commit).</summary>
internal sealed class WorkflowDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<WorkflowDbContext>
    where TContext : WorkflowDbContext
{
    public WorkflowDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<WorkflowDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}

/// <summary>Marks an EF Core interceptor to add to the workflow contexts (fault injection in tests, diagnostics).</summary>
public interface IWorkflowDbInterceptor : Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor;
