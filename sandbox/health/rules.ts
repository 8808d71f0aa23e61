/**
 * How the sandbox Ministry decides (documented in sandbox/health/README.md). Simple on purpose, so a
 * tester knows the answer in advance.
 */
export type Statut = 'ACCORDEE' | 'ACCORDEE_SOUS_CONDITIONS' | 'REFUSEE';

export interface Verdict {
  statut: Statut;
  conditions?: string;
  motif?: string;
}

/** Pieces every request must carry; a missing one is asked for (400 naming `Pieces`). */
export const REQUIRED_PIECES = ['CERTIFICAT_DECES', 'CERTIFICAT_MISE_EN_BIERE'] as const;

export function missingPieces(types: readonly string[]): string[] {
  return REQUIRED_PIECES.filter((required) => !types.includes(required));
}

export function decide(demande: { maladieContagieuse: string; sousPliFerme: boolean; hermetique: boolean }): Verdict {
  if (demande.maladieContagieuse === 'true') {
    return { statut: 'REFUSEE', motif: 'Décès dû à une maladie contagieuse : le rapatriement du corps est refusé. — رفض نقل الجثمان: مرض معد' };
  }
  if (!demande.hermetique) {
    return { statut: 'REFUSEE', motif: 'Le cercueil doit être hermétique. — يجب أن يكون التابوت محكم الإغلاق' };
  }
  if (demande.maladieContagieuse === 'inconnu' || demande.sousPliFerme) {
    return { statut: 'ACCORDEE_SOUS_CONDITIONS', conditions: "Contrôle sanitaire à l'arrivée, en présence d'un agent du bureau d'hygiène. — مراقبة صحية عند الوصول" };
  }
  return { statut: 'ACCORDEE' };
}
