import { CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { noteAuditTarget } from '../audit/audit';
import { Role } from '../config';
import { CodedHttpException } from '../http';
import { hasRole, Principal } from './principal';
import { TokenRefused, TokenVerifier } from './token-verifier';

const PUBLIC = 'umbrella:public';
const ROLES_KEY = 'umbrella:roles';

/** Marks a route that needs no token (health only). */
export const Public = () => SetMetadata(PUBLIC, true);

/** The roles that may call a route; the bounded context's access policy then checks the data. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

export interface AuthenticatedRequest extends Request {
  principal?: Principal;
}

export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a public route');
  return principal;
});

/** A valid token that may not do this. Messages never say whether a record exists. */
export class AccessDenied extends CodedHttpException {
  constructor(code = 'ACCESS.DENIED', message = 'You are not allowed to do this.') {
    super(HttpStatus.FORBIDDEN, code, message);
  }
}

/** Why the access model refuses an agency an action on a client (see libs/agreement's involvement). */
export type ClientRefusal = 'not-visible' | 'not-lead' | 'not-case-holder';

/**
 * The answer to a refused action on a client, the same in every service. `not-visible` is word for
 * word the answer for a client that does not exist.
 */
export function clientAccessDenied(refusal: ClientRefusal): AccessDenied {
  switch (refusal) {
    case 'not-visible':
      return new AccessDenied('ACCESS.CLIENT_NOT_VISIBLE', 'Your agency may not see this client.');
    case 'not-lead':
      return new AccessDenied('ACCESS.NOT_LEAD_AGENCY', "Only a caseworker of the client's lead agency may do this.");
    case 'not-case-holder':
      return new AccessDenied('ACCESS.NOT_CASE_HOLDER', "Only the client's lead agency or an agency holding a claim on the client's case may do this.");
  }
}


/**
 * Every route needs a verified bearer token unless marked @Public(); routes marked @Roles(...)
 * also need one of those roles. Routes without @Roles are refused to everyone: access is opt-in.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    // before any refusal: a refused read of a client's data is audited like a refused command
    noteAuditTarget(context, this.reflector);
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const token = typeof header === 'string' && /^Bearer /i.test(header) ? header.slice(7).trim() : undefined;
    if (header !== undefined && token === undefined) {
      throw new CodedHttpException(HttpStatus.UNAUTHORIZED, 'AUTH.TOKEN_MALFORMED', 'The Authorization header must be "Bearer <token>".');
    }
    try {
      request.principal = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof TokenRefused) throw new CodedHttpException(HttpStatus.UNAUTHORIZED, error.code, error.message);
      throw error;
    }
    const allowed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets) ?? [];
    if (!hasRole(request.principal, ...allowed)) throw new AccessDenied('ACCESS.ROLE_NOT_ALLOWED', 'Your role may not do this.');
    return true;
  }
}
