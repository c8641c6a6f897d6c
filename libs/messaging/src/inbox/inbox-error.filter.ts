import { ArgumentsHost, Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Hands a message handler's error back to the inbox as it was thrown. Nest's default filter for
 * messages would replace it with a generic "Internal server error" object; the inbox needs the
 * error itself to tell an event that can never be applied (dead-letter it now, with its reason)
 * from a failure worth retrying, and an outage to wait out.
 */
@Catch()
export class InboxErrorFilter implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}
