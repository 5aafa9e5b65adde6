using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using SkiaSharp;

namespace CleanUser.IntegrationTests.Images;

/// <summary>
/// Images made by the tests themselves: SkiaSharp for JPEG, PNG and WebP, a small hand-written encoder for GIF
/// (Skia decodes GIF but cannot write it), and hand-built bytes for the hostile cases (EXIF blocks, a PNG bomb).
/// Every picture is a blue field with a red marker in its top-left quarter, so orientation can be checked.
/// </summary>
public static class TestImages
{
    public static readonly SKColor Background = SKColors.Blue;
    public static readonly SKColor Marker = SKColors.Red;

    public static byte[] Jpeg(int width, int height, SKColorSpace? colorSpace = null) =>
        Encode(width, height, SKEncodedImageFormat.Jpeg, transparent: false, colorSpace);

    public static byte[] Png(int width, int height, bool transparent = false) =>
        Encode(width, height, SKEncodedImageFormat.Png, transparent);

    public static byte[] Webp(int width, int height) => Encode(width, height, SKEncodedImageFormat.Webp, transparent: false);

    /// <summary>A GIF89a with a 256-colour table: index 1 is the marker, index 2 the background.</summary>
    public static byte[] Gif(int width, int height)
    {
        var output = new MemoryStream();
        output.Write("GIF89a"u8);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0xF7); // global colour table, 8 bits, 256 entries
        output.WriteByte(0);
        output.WriteByte(0);
        for (var i = 0; i < 256; i++)
        {
            var colour = i == 1 ? Marker : i == 2 ? Background : SKColors.Black;
            output.WriteByte(colour.Red);
            output.WriteByte(colour.Green);
            output.WriteByte(colour.Blue);
        }

        output.WriteByte(0x2C); // image descriptor
        WriteUInt16(output, 0);
        WriteUInt16(output, 0);
        WriteUInt16(output, width);
        WriteUInt16(output, height);
        output.WriteByte(0);
        output.WriteByte(8); // LZW minimum code size

        // LZW with literals only: a clear code every 250 pixels keeps every code 9 bits wide.
        var bits = new BitWriter();
        var sinceClear = 0;
        bits.Write(256, 9);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                if (sinceClear == 250)
                {
                    bits.Write(256, 9);
                    sinceClear = 0;
                }

                bits.Write(InMarker(x, y, width, height) ? 1 : 2, 9);
                sinceClear++;
            }
        }

        bits.Write(257, 9);
        var data = bits.ToArray();
        for (var offset = 0; offset < data.Length; offset += 255)
        {
            var length = Math.Min(255, data.Length - offset);
            output.WriteByte((byte)length);
            output.Write(data, offset, length);
        }

        output.WriteByte(0);
        output.WriteByte(0x3B);
        return output.ToArray();
    }

    /// <summary>
    /// Splices an EXIF APP1 segment right after the JPEG's SOI: IFD0 with the orientation and a pointer to a GPS
    /// IFD holding a latitude (45° 27' 51.16" N) — the kind of block a phone writes.
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        var tiff = new MemoryStream();
        tiff.Write("MM"u8);
        WriteUInt16BigEndian(tiff, 42);
        WriteUInt32BigEndian(tiff, 8);
        const int gpsIfd = 8 + 2 + 2 * 12 + 4;
        WriteUInt16BigEndian(tiff, 2);
        WriteEntry(tiff, 0x0112, 3, 1, (uint)orientation << 16); // Orientation, SHORT, left-justified
        WriteEntry(tiff, 0x8825, 4, 1, gpsIfd); // GPSInfo IFD pointer
        WriteUInt32BigEndian(tiff, 0);
        const int latitude = gpsIfd + 2 + 2 * 12 + 4;
        WriteUInt16BigEndian(tiff, 2);
        WriteEntry(tiff, 0x0001, 2, 2, (uint)'N' << 24); // GPSLatitudeRef "N\0"
        WriteEntry(tiff, 0x0002, 5, 3, latitude); // GPSLatitude, 3 RATIONALs
        WriteUInt32BigEndian(tiff, 0);
        foreach (var value in new uint[] { 45, 1, 27, 1, 5116, 100 })
        {
            WriteUInt32BigEndian(tiff, value);
        }

        var payload = "Exif\0\0"u8.ToArray().Concat(tiff.ToArray()).ToArray();
        var segment = new byte[4 + payload.Length];
        segment[0] = 0xFF;
        segment[1] = 0xE1;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), (ushort)(payload.Length + 2));
        payload.CopyTo(segment, 4);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>
    /// A decompression bomb: a PNG whose header says <paramref name="width"/> × <paramref name="height"/> in a few
    /// KB — a valid IHDR and a small zlib stream of zero rows (truncated; the header alone must refuse it).
    /// </summary>
    public static byte[] BombPng(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8; // bit depth
        header[9] = 2; // truecolour
        var rows = new MemoryStream();
        using (var zlib = new ZLibStream(rows, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + width * 3];
            for (var i = 0; i < 20; i++)
            {
                zlib.Write(row);
            }
        }

        return [.. PngSignature, .. PngChunk("IHDR", header), .. PngChunk("IDAT", rows.ToArray()), .. PngChunk("IEND", [])];
    }

    public static byte[] PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>The markers of a JPEG's header segments, up to the start of scan (e.g. E0 for JFIF, E1 for EXIF, E2 for ICC).</summary>
    public static List<byte> JpegMarkers(byte[] jpeg)
    {
        ArgumentNullException.ThrowIfNull(jpeg);
        var markers = new List<byte>();
        var i = 2;
        while (i + 4 <= jpeg.Length && jpeg[i] == 0xFF)
        {
            var marker = jpeg[i + 1];
            markers.Add(marker);
            if (marker == 0xDA)
            {
                break;
            }

            i += 2 + BinaryPrimitives.ReadUInt16BigEndian(jpeg.AsSpan(i + 2));
        }

        return markers;
    }

    public static bool ContainsAscii(byte[] content, string text) =>
        content.AsSpan().IndexOf(Encoding.ASCII.GetBytes(text)) >= 0;

    public static SKBitmap Decode(byte[] content) =>
        SKBitmap.Decode(content) ?? throw new InvalidOperationException("The served bytes are not an image Skia can decode.");

    /// <summary>Whether a pixel is clearly the marker's red or the background's blue (JPEG is lossy).</summary>
    public static bool IsMarker(SKColor pixel) => pixel.Red > 180 && pixel.Blue < 90;

    public static bool IsBackground(SKColor pixel) => pixel.Blue > 180 && pixel.Red < 90;

    private static bool InMarker(int x, int y, int width, int height) => x < width / 4 && y < height / 4;

    private static byte[] Encode(int width, int height, SKEncodedImageFormat format, bool transparent, SKColorSpace? colorSpace = null)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, transparent ? SKAlphaType.Premul : SKAlphaType.Opaque, colorSpace);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(transparent ? Background.WithAlpha(128) : Background);
            using var paint = new SKPaint { Color = Marker };
            canvas.DrawRect(0, 0, width / 4, height / 4, paint);
        }

        using var data = bitmap.Encode(format, 90);
        return data.ToArray();
    }

    private static byte[] PngChunk(string type, byte[] data)
    {
        var chunk = new byte[12 + data.Length];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        Encoding.ASCII.GetBytes(type).CopyTo(chunk, 4);
        data.CopyTo(chunk, 8);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(8 + data.Length), Crc32(chunk.AsSpan(4, 4 + data.Length)));
        return chunk;
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? 0xEDB88320u ^ (crc >> 1) : crc >> 1;
            }
        }

        return ~crc;
    }

    private static void WriteEntry(Stream stream, ushort tag, ushort type, uint count, uint value)
    {
        WriteUInt16BigEndian(stream, tag);
        WriteUInt16BigEndian(stream, type);
        WriteUInt32BigEndian(stream, count);
        WriteUInt32BigEndian(stream, value);
    }

    private static void WriteUInt16(Stream stream, int value)
    {
        stream.WriteByte((byte)value);
        stream.WriteByte((byte)(value >> 8));
    }

    private static void WriteUInt16BigEndian(Stream stream, ushort value)
    {
        Span<byte> buffer = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(buffer, value);
        stream.Write(buffer);
    }

    private static void WriteUInt32BigEndian(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }

    /// <summary>GIF's LZW codes, packed least significant bit first.</summary>
    private sealed class BitWriter
    {
        private readonly List<byte> _bytes = [];
        private int _buffer;
        private int _count;

        public void Write(int code, int width)
        {
            _buffer |= code << _count;
            _count += width;
            while (_count >= 8)
            {
                _bytes.Add((byte)_buffer);
                _buffer >>= 8;
                _count -= 8;
            }
        }

        public byte[] ToArray()
        {
            if (_count > 0)
            {
                _bytes.Add((byte)_buffer);
                _buffer = 0;
                _count = 0;
            }

            return [.. _bytes];
        }
    }
}
