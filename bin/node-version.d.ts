export declare const MINIMUM_NODE: string;
export declare function tooOldNode(version: string): string | null;
export declare function requireSupportedNode(): void;
