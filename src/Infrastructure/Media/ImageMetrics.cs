using System.Diagnostics.Metrics;

namespace CleanUser.Infrastructure.Media;

/// <summary>
/// Counts what image processing does, so operators see refusals by code and stage. The stage also shows that a
/// decompression bomb is refused from its header (<c>stage=header</c>) and never reaches a decode.
/// </summary>
public sealed class ImageMetrics
{
    public const string MeterName = "CleanUser.Images";
    public const string RefusedInstrument = "cleanuser.images.refused";
    public const string DecodedInstrument = "cleanuser.images.decoded";

    private readonly Counter<long> _refused;
    private readonly Counter<long> _decoded;

    public ImageMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _refused = meter.CreateCounter<long>(RefusedInstrument, description: "Uploads refused, by error code and the stage that refused them.");
        _decoded = meter.CreateCounter<long>(DecodedInstrument, description: "Images decoded, by format and whether the codec downsampled.");
    }

    /// <param name="stage"><c>size</c>, <c>header</c> (no pixel decoded) or <c>decode</c>.</param>
    public void Refused(string code, string stage) =>
        _refused.Add(1, new KeyValuePair<string, object?>("code", code), new KeyValuePair<string, object?>("stage", stage));

    public void Decoded(string format, bool downsampled) =>
        _decoded.Add(1, new KeyValuePair<string, object?>("format", format), new KeyValuePair<string, object?>("downsampled", downsampled));
}
