namespace CleanUser.WebApi.Users;

/// <summary>docs/api.md#configuration <c>JsonPatch:*</c>.</summary>
public sealed class JsonPatchOptions
{
    public const string Section = "JsonPatch";

    /// <summary>
    /// docs/json-patch.md#limits: the most operations one document may have; a longer one is refused (400) as it is
    /// read, before any database work. 0 refuses every document that has an operation.
    /// </summary>
    public int MaxOperations { get; set; } = 100;
}
