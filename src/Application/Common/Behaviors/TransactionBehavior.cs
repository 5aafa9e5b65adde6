using CleanUser.Application.Common.Interfaces;
using CleanUser.Application.Common.Messaging;
using MediatR;

namespace CleanUser.Application.Common.Behaviors;

/// <summary>Innermost behavior: a command runs in one database transaction; queries pass straight through.</summary>
public sealed class TransactionBehavior<TRequest, TResponse>(IUnitOfWork unitOfWork)
    : IPipelineBehavior<TRequest, TResponse>
{
    public Task<TResponse> Handle(TRequest request, CancellationToken cancellationToken,
        RequestHandlerDelegate<TResponse> next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return request is ICommand<TResponse>
            ? unitOfWork.ExecuteInTransactionAsync(_ => next(), cancellationToken)
            : next();
    }
}
