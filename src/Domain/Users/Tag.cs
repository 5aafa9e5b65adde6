namespace CleanUser.Domain.Users;

/// <summary>A community tag (docs/api.md#response). Tags are managed elsewhere; a profile only shows them.</summary>
public sealed class Tag
{
    private Tag()
    {
    }

    public Tag(long id, string name, string type, string description, string color, DateTimeOffset createdAt,
        bool visible = true, bool visibilityBoost = false, bool active = true)
    {
        Id = id;
        Name = name;
        Type = type;
        Description = description;
        Color = color;
        CreatedAt = createdAt;
        Visible = visible;
        VisibilityBoost = visibilityBoost;
        Active = active;
    }

    public long Id { get; private set; }

    public bool Active { get; private set; }

    public string Name { get; private set; } = string.Empty;

    public string Type { get; private set; } = string.Empty;

    public string Description { get; private set; } = string.Empty;

    public string Color { get; private set; } = string.Empty;

    public bool Visible { get; private set; }

    public bool VisibilityBoost { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public bool Deleted { get; private set; }
}
