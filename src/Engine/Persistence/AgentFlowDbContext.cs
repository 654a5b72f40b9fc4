using System.Linq.Expressions;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Retention;
using AgentFlow.Engine.Rules;
using AgentFlow.Engine.Settings;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Persistence;

/// <summary>
/// The platform's model. Provider subclasses exist only so each provider has its own migrations and snapshot.
/// Every <see cref="IOrgOwned"/> entity is filtered by the caller's organisation; with no organisation in
/// scope such queries return nothing (fail closed). System work opts out with <c>IgnoreQueryFilters()</c>.
/// </summary>
public abstract class AgentFlowDbContext(DbContextOptions options, ITenantContext tenant) : DbContext(options)
{
    internal const string JsonColumnAnnotation = "AgentFlow:JsonColumn";

    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();
    public DbSet<BootstrapMarker> BootstrapMarkers => Set<BootstrapMarker>();
    public DbSet<Agent> Agents => Set<Agent>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ArchivedAuditEntry> ArchivedAuditEntries => Set<ArchivedAuditEntry>();
    public DbSet<EmailRule> EmailRules => Set<EmailRule>();
    public DbSet<CompanySettings> CompanySettings => Set<CompanySettings>();
    public DbSet<RetentionPolicy> RetentionPolicies => Set<RetentionPolicy>();
    public DbSet<ActivityEvent> ActivityEvents => Set<ActivityEvent>();
    public DbSet<ToolCallRecord> ToolCalls => Set<ToolCallRecord>();
    public DbSet<ConversationMessage> ConversationMessages => Set<ConversationMessage>();
    public DbSet<AgentPermissionProfile> PermissionProfiles => Set<AgentPermissionProfile>();
    public DbSet<Approvals.ApprovalPolicy> ApprovalPolicies => Set<Approvals.ApprovalPolicy>();
    public DbSet<Approvals.ApprovalRequest> ApprovalRequests => Set<Approvals.ApprovalRequest>();
    public DbSet<Approvals.ApprovalDecision> ApprovalDecisions => Set<Approvals.ApprovalDecision>();
    public DbSet<AgentStateHistory> AgentStateHistory => Set<AgentStateHistory>();
    public DbSet<Deployment.AgentDeployment> AgentDeployments => Set<Deployment.AgentDeployment>();

    /// <summary>Read by the query filters on every query, so a context follows its scope's tenant.</summary>
    public Guid? CurrentOrgId => tenant.OrgId;

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AgentFlowDbContext).Assembly);

        foreach (var entityType in modelBuilder.Model.GetEntityTypes())
        {
            if (typeof(IOrgOwned).IsAssignableFrom(entityType.ClrType))
            {
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(BuildTenantFilter(entityType.ClrType));
            }
        }
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    // e => (Guid?)e.OrgId == this.CurrentOrgId; EF turns the context member into a query parameter.
    private LambdaExpression BuildTenantFilter(Type clrType)
    {
        var entity = Expression.Parameter(clrType, "e");
        var orgId = Expression.Convert(Expression.Property(entity, nameof(IOrgOwned.OrgId)), typeof(Guid?));
        var current = Expression.Property(Expression.Constant(this), nameof(CurrentOrgId));
        return Expression.Lambda(Expression.Equal(orgId, current), entity);
    }

    private void StampTenant()
    {
        var current = tenant.OrgId;
        foreach (var entry in ChangeTracker.Entries<IOrgOwned>())
        {
            if (entry.State == EntityState.Added && entry.Entity.OrgId == Guid.Empty)
            {
                entry.Entity.OrgId = current
                    ?? throw new InvalidOperationException($"No organisation in scope to own the new {entry.Entity.GetType().Name}.");
            }
            else if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted
                     && current is { } orgId && entry.Entity.OrgId != orgId)
            {
                throw new InvalidOperationException($"A {entry.Entity.GetType().Name} of another organisation cannot be written from this scope.");
            }
        }
    }
}
