using MediatR;

namespace CleanUser.Application.UnitTests.Support;

/// <summary>Stands in for the rest of the pipeline: counts its calls and returns (or throws) what it is told.</summary>
internal sealed class RecordingNext<TResponse>
{
    private readonly Func<Task<TResponse>> _body;

    public RecordingNext(TResponse response) => _body = () => Task.FromResult(response);

    public RecordingNext(Exception exception) => _body = () => Task.FromException<TResponse>(exception);

    public int Calls { get; private set; }

    public bool WasCalled => Calls > 0;

    public RequestHandlerDelegate<TResponse> Delegate => () =>
    {
        Calls++;
        return _body();
    };
}
