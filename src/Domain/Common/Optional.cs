using System.Diagnostics.CodeAnalysis;

namespace CleanUser.Domain.Common;

/// <summary>
/// A value that may be absent. PATCH semantics need three states per field — absent (leave alone),
/// present with <c>null</c> (reset) and present with a value — and <c>T?</c> alone has only two.
/// </summary>
[SuppressMessage("Naming", "CA1716", Justification = "C# only; 'Optional' is the name the design card uses.")]
[SuppressMessage("Design", "CA1000", Justification = "Optional<T>.Absent / Of read best at call sites.")]
public readonly record struct Optional<T>
{
    private readonly T _value;

    private Optional(T value)
    {
        _value = value;
        HasValue = true;
    }

    public static Optional<T> Absent => default;

    public bool HasValue { get; }

    public T Value => HasValue ? _value : throw new InvalidOperationException("The optional value is absent.");

    public static Optional<T> Of(T value) => new(value);

    public static implicit operator Optional<T>(T value) => new(value);

    public Optional<TResult> Map<TResult>(Func<T, TResult> map) =>
        HasValue ? Optional<TResult>.Of(map(_value)) : Optional<TResult>.Absent;

    public override string ToString() => HasValue ? $"{_value}" : "(absent)";
}
