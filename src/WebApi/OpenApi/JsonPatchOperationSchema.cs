using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace CleanUser.WebApi.OpenApi;

/// <summary>One RFC 6902 operation on a writable field, e.g. <c>{"op": "replace", "path": "/bio", "value": "…"}</c>.</summary>
internal sealed class JsonPatchOperationSchema
{
    [Required]
    public JsonPatchOp Op { get; init; }

    [Required] // described from the field table by OpenApiSetup
    public string Path { get; init; } = string.Empty;

    [Description("For move and copy: the JSON Pointer to read from.")]
    public string? From { get; init; }

    [Description("For add, replace and test: a string or null.")]
    public string? Value { get; init; }
}

[JsonConverter(typeof(JsonStringEnumConverter<JsonPatchOp>))]
internal enum JsonPatchOp
{
    [JsonStringEnumMemberName("add")] Add,
    [JsonStringEnumMemberName("remove")] Remove,
    [JsonStringEnumMemberName("replace")] Replace,
    [JsonStringEnumMemberName("move")] Move,
    [JsonStringEnumMemberName("copy")] Copy,
    [JsonStringEnumMemberName("test")] Test,
}
