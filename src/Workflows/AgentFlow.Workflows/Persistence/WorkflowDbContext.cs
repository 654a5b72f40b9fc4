using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AgentFlow.Workflows.Persistence;

/// <summary>
/// The workflow runtime's tables. It lives in the same database as the Engine's tables but has its own model and
/// migrations history, because the Workflows project does not depend on the Engine. Rows carry <c>OrgId</c>, and every
/// tenant-facing query filters on it explicitly: the runtime's workers are deliberately cross-tenant.
/// </summary>
public abstract class WorkflowDbContext(DbContextOptions options) : DbContext(options)
{
    /// <summary>The migrations history table, kept apart from the Engine's.</summary>
    public const string MigrationsHistoryTable = "__workflow_migrations";

    public DbSet<WorkflowDefinitionRecord> Definitions => Set<WorkflowDefinitionRecord>();
    public DbSet<WorkflowTriggerRecord> Triggers => Set<WorkflowTriggerRecord>();
    public DbSet<WorkflowScheduleRecord> Schedules => Set<WorkflowScheduleRecord>();
    public DbSet<WorkflowInstanceRecord> Instances => Set<WorkflowInstanceRecord>();
    public DbSet<BookmarkRecord> Bookmarks => Set<BookmarkRecord>();
    public DbSet<WorkItemRecord> WorkItems => Set<WorkItemRecord>();
    public DbSet<OutboxRecord> Outbox => Set<OutboxRecord>();
    public DbSet<JournalRecord> Journal => Set<JournalRecord>();
    public DbSet<IncidentRecord> Incidents => Set<IncidentRecord>();
    public DbSet<ProcessedStimulusRecord> ProcessedStimuli => Set<ProcessedStimulusRecord>();

    /// <summary>Whether the provider is PostgreSQL (raw SQL with <c>FOR UPDATE SKIP LOCKED</c>).</summary>
    public abstract bool IsPostgres { get; }

    /// <summary>SQL filter for "the published version" in a partial unique index.</summary>
    protected abstract string PublishedFilter { get; }

    /// <summary>SQL filter for "the latest version" in a partial unique index.</summary>
    protected abstract string LatestFilter { get; }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ConfigureDefinitions(modelBuilder.Entity<WorkflowDefinitionRecord>());
        ConfigureTriggers(modelBuilder.Entity<WorkflowTriggerRecord>());
        ConfigureSchedules(modelBuilder.Entity<WorkflowScheduleRecord>());
        ConfigureInstances(modelBuilder.Entity<WorkflowInstanceRecord>());
        ConfigureBookmarks(modelBuilder.Entity<BookmarkRecord>());
        ConfigureWorkItems(modelBuilder.Entity<WorkItemRecord>());
        ConfigureOutbox(modelBuilder.Entity<OutboxRecord>());
        ConfigureJournal(modelBuilder.Entity<JournalRecord>());
        ConfigureIncidents(modelBuilder.Entity<IncidentRecord>());
        ConfigureProcessedStimuli(modelBuilder.Entity<ProcessedStimulusRecord>());
    }

    private void ConfigureDefinitions(EntityTypeBuilder<WorkflowDefinitionRecord> b)
    {
        b.ToTable("workflow_definitions");
        b.HasKey(d => d.Id);
        b.Property(d => d.DefinitionId).HasMaxLength(100);
        b.Property(d => d.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(d => d.Name).HasMaxLength(200);
        b.Property(d => d.ContentHash).HasMaxLength(64);
        b.Property(d => d.CreatedBy).HasMaxLength(254);
        b.HasIndex(d => new { d.OrgId, d.DefinitionId, d.Version }).IsUnique();

        // The database, not the service, guarantees one published and one latest version per definition.
        b.HasIndex(d => new { d.OrgId, d.DefinitionId }).IsUnique().HasFilter(PublishedFilter).HasDatabaseName("IX_workflow_definitions_published");
        b.HasIndex(d => new { d.OrgId, d.DefinitionId, d.IsLatest }).IsUnique().HasFilter(LatestFilter).HasDatabaseName("IX_workflow_definitions_latest");
    }

    private static void ConfigureTriggers(EntityTypeBuilder<WorkflowTriggerRecord> b)
    {
        b.ToTable("workflow_triggers");
        b.HasKey(t => t.Id);
        b.Property(t => t.DefinitionId).HasMaxLength(100);
        b.Property(t => t.NodeId).HasMaxLength(100);
        b.Property(t => t.Kind).HasMaxLength(16);
        b.Property(t => t.Key).HasMaxLength(512);
        b.Property(t => t.KeyHash).HasMaxLength(64);
        b.HasIndex(t => new { t.OrgId, t.Kind, t.KeyHash });
        b.HasIndex(t => t.DefinitionVersionId);
        b.HasOne<WorkflowDefinitionRecord>().WithMany().HasForeignKey(t => t.DefinitionVersionId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void ConfigureSchedules(EntityTypeBuilder<WorkflowScheduleRecord> b)
    {
        b.ToTable("workflow_schedules");
        b.HasKey(s => s.Id);
        b.Property(s => s.Kind).HasMaxLength(16);
        b.Property(s => s.Expression).HasMaxLength(200);
        b.Property(s => s.TimeZone).HasMaxLength(64);
        b.HasIndex(s => s.NextFireAt);
        b.HasOne<WorkflowTriggerRecord>().WithMany().HasForeignKey(s => s.TriggerId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void ConfigureInstances(EntityTypeBuilder<WorkflowInstanceRecord> b)
    {
        b.ToTable("workflow_instances");
        b.HasKey(i => i.Id);
        b.Property(i => i.DefinitionId).HasMaxLength(100);
        b.Property(i => i.Status).HasConversion<string>().HasMaxLength(16);
        b.Property(i => i.SubStatus).HasMaxLength(64);
        b.Property(i => i.CorrelationId).HasMaxLength(200);
        b.Property(i => i.LeaseOwner).HasMaxLength(100);
        b.Property(i => i.StartIdempotencyKey).HasMaxLength(200);
        b.HasIndex(i => new { i.OrgId, i.Status, i.SubStatus });
        b.HasIndex(i => new { i.OrgId, i.CorrelationId });
        b.HasIndex(i => new { i.OrgId, i.DefinitionId, i.CreatedAt });
        b.HasIndex(i => new { i.OrgId, i.StartIdempotencyKey }).IsUnique();
        b.HasIndex(i => i.ParentInstanceId);
        b.HasOne<WorkflowDefinitionRecord>().WithMany().HasForeignKey(i => i.DefinitionVersionId).OnDelete(DeleteBehavior.Restrict);
    }

    private static void ConfigureBookmarks(EntityTypeBuilder<BookmarkRecord> b)
    {
        b.ToTable("workflow_bookmarks");
        b.HasKey(k => k.Id);
        b.Property(k => k.NodeId).HasMaxLength(100);
        b.Property(k => k.Kind).HasMaxLength(16);
        b.Property(k => k.Key).HasMaxLength(512);
        b.Property(k => k.KeyHash).HasMaxLength(64);
        b.HasIndex(k => new { k.OrgId, k.Kind, k.KeyHash });
        b.HasIndex(k => k.InstanceId);
        b.HasIndex(k => k.DueAt);
        b.HasOne<WorkflowInstanceRecord>().WithMany().HasForeignKey(k => k.InstanceId).OnDelete(DeleteBehavior.Cascade);
    }

    private static void ConfigureWorkItems(EntityTypeBuilder<WorkItemRecord> b)
    {
        b.ToTable("workflow_work_items");
        b.HasKey(w => w.Id);
        b.Property(w => w.Kind).HasMaxLength(16);
        b.Property(w => w.IdempotencyKey).HasMaxLength(300);
        b.Property(w => w.LockedBy).HasMaxLength(100);
        b.HasIndex(w => w.IdempotencyKey).IsUnique();
        b.HasIndex(w => new { w.DeadLetteredAt, w.AvailableAt });
        b.HasIndex(w => w.InstanceId);
    }

    private static void ConfigureOutbox(EntityTypeBuilder<OutboxRecord> b)
    {
        b.ToTable("workflow_outbox");
        b.HasKey(o => o.Id);
        b.Property(o => o.Kind).HasMaxLength(32);
        b.Property(o => o.LockedBy).HasMaxLength(100);
        b.HasIndex(o => new { o.DispatchedAt, o.NextAttemptAt });
        b.HasIndex(o => o.InstanceId);
    }

    private static void ConfigureJournal(EntityTypeBuilder<JournalRecord> b)
    {
        b.ToTable("workflow_journal");
        b.HasKey(j => new { j.InstanceId, j.Seq });
        b.Property(j => j.NodeId).HasMaxLength(100);
        b.Property(j => j.Event).HasMaxLength(32);
        b.Property(j => j.Worker).HasMaxLength(100);
    }

    private static void ConfigureIncidents(EntityTypeBuilder<IncidentRecord> b)
    {
        b.ToTable("workflow_incidents");
        b.HasKey(i => i.Id);
        b.Property(i => i.NodeId).HasMaxLength(100);
        b.Property(i => i.Message).HasMaxLength(2000);
        b.HasIndex(i => new { i.InstanceId, i.ResolvedAt });
        b.HasIndex(i => new { i.OrgId, i.At });
    }

    private static void ConfigureProcessedStimuli(EntityTypeBuilder<ProcessedStimulusRecord> b)
    {
        b.ToTable("workflow_processed_stimuli");
        b.HasKey(p => new { p.InstanceId, p.StimulusId });
        b.Property(p => p.StimulusId).HasMaxLength(300);
    }
}

/// <summary>SQLite flavour: its migrations live in <c>Persistence/Migrations/Sqlite</c>.</summary>
public sealed class SqliteWorkflowDbContext(DbContextOptions<SqliteWorkflowDbContext> options) : WorkflowDbContext(options)
{
    public override bool IsPostgres => false;

    protected override string PublishedFilter => "\"Status\" = 'Published'";

    protected override string LatestFilter => "\"IsLatest\" = 1";

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // As in the Engine: SQLite cannot compare text timestamps; UTC ticks sort and compare correctly.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>PostgreSQL flavour: its migrations live in <c>Persistence/Migrations/Postgres</c>; state columns are jsonb.</summary>
public sealed class PostgresWorkflowDbContext(DbContextOptions<PostgresWorkflowDbContext> options) : WorkflowDbContext(options)
{
    public override bool IsPostgres => true;

    protected override string PublishedFilter => "\"Status\" = 'Published'";

    protected override string LatestFilter => "\"IsLatest\"";
}
